/**
 * The `@pulumi/aws` services this program uses, each loaded from its own submodule. The package's index loads
 * every service's module map (about 90 ms of the main job's 1 s: docs/PROOFS.md, "Speed"); these eight load in
 * about 17 ms. Import this as `aws` (`import * as aws from "./aws"`): call sites read as with the package itself.
 * A service not listed here is one line to add.
 */
export * as appconfig from "@pulumi/aws/appconfig";
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as ec2 from "@pulumi/aws/ec2";
export * as ecs from "@pulumi/aws/ecs";
export * as iam from "@pulumi/aws/iam";
export * as lb from "@pulumi/aws/lb";
export * as secretsmanager from "@pulumi/aws/secretsmanager";
export * as sns from "@pulumi/aws/sns";
export type * as types from "@pulumi/aws/types";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
