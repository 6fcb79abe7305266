import type * as aws from "./aws";

/**
 * Applies defaults written once: `{ ...defaults, ...args }`, except that a field given as `undefined`
 * keeps its default (TypeScript optional fields are often passed through as undefined).
 */
export function withDefaults<D extends object, A extends object>(defaults: D, args: A): D & A {
  const given = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
  return { ...defaults, ...given } as D & A;
}

/**
 * An IAM policy document as the JSON string IAM stores, typed as `aws.iam.PolicyDocument` so a misspelt field
 * or effect fails `tsc`. A string (not the object) keeps plans and policy rules reading one form.
 */
export function policyJson(doc: aws.iam.PolicyDocument): string {
  return JSON.stringify(doc);
}

/** Trust policy letting an AWS service principal (`ecs-tasks.amazonaws.com`, ...) assume a role. */
export function assumeRoleBy(service: string): string {
  return policyJson({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}
