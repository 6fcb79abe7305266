/** The zod schema of the whole stack config: its stack-level sections, the apps, and the checks across keys. */
import { z } from "zod";
import { GITHUB_ACTIONS_INTEGRATION_ID, PROJECT_NAME } from "../../policy-pack/lib/facts";
import {
  appSchema,
  ENV_NAME,
  GITHUB_LOGIN,
  pattern,
  repositorySchema,
  requiredApprovalsSchema,
  requiredChecksSchema,
  reviewersSchema,
} from "./appSchema";

/** The login of a user, or of a GitHub App acting as itself (`NAME[bot]`). */
const ACTOR_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;

/** GitHub plans, cheapest first (GitHub docs, "GitHub's plans"). */
/** An ISO 8601 time with its offset, such as 2026-11-20T22:00:00Z or 2026-11-20T23:00:00+01:00. */
const isoTime = z.iso.datetime({ offset: true, error: "an ISO 8601 time such as 2026-11-20T22:00:00Z" });

export const GITHUB_PLANS = ["free", "pro", "team", "enterprise"] as const;

/**
 * Actions this repository's workflows use that are neither GitHub's own nor (all of them) from verified creators;
 * the default `governance.allowedActions` (CC-BR-10).
 */
export const DEFAULT_ALLOWED_ACTIONS = [
  "aws-actions/configure-aws-credentials@*",
  "pulumi/actions@*",
  "docker/setup-qemu-action@*",
  "docker/setup-buildx-action@*",
  "marocchino/sticky-pull-request-comment@*",
];

/** The whole stack config, keyed without the `cicd-constitution:` namespace. */
const stackShape = z.strictObject({
  /** The environment this stack deploys: `staging` or `production` (becomes `APP_ENV`). */
  environment: z.enum(["staging", "production"]),
  /** GitHub owner (organisation or user) of every repository. */
  githubOwner: pattern(GITHUB_LOGIN, "a GitHub owner login"),
  /** AWS region (`aws:region`). */
  awsRegion: pattern(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region such as eu-west-1"),
  governance: z
    .strictObject({
      /** Whether this stack owns repository-level resources (repository, rulesets). Exactly one stack does. */
      ownsRepositories: z.boolean({ error: "true or false" }),
      /**
       * Actions the governed repositories' workflows may use besides GitHub's own and verified creators'
       * (`OWNER/REPO@*` patterns; CC-BR-10). Default: the actions this repository's workflows use.
       */
      allowedActions: z
        .array(
          pattern(
            /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./*-]+@[A-Za-z0-9_.*-]+$/,
            "an action pattern OWNER/REPO@REF",
          ),
        )
        .default(DEFAULT_ALLOWED_ACTIONS),
      /** The app every required status check must come from (CC-BR-12). Default 15368, GitHub Actions. */
      checksIntegrationId: z
        .int({ error: "a GitHub App ID (a positive integer)" })
        .positive()
        .default(GITHUB_ACTIONS_INTEGRATION_ID),
    })
    .prefault({ ownsRepositories: false }),
  network: z.strictObject({
    vpcId: pattern(/^vpc-[0-9a-f]{8,17}$/, "a VPC id vpc-<hex>"),
    /** Subnets of the internet-facing load balancer (at least two AZs). */
    publicSubnetIds: z.array(pattern(/^subnet-[0-9a-f]{8,17}$/, "a subnet id subnet-<hex>")).min(2),
    /** Subnets of the tasks (no public IP). */
    privateSubnetIds: z.array(pattern(/^subnet-[0-9a-f]{8,17}$/, "a subnet id subnet-<hex>")).min(2),
    /**
     * How tasks in the private subnets reach the internet: ghcr.io (image pulls), Secrets Manager,
     * CloudWatch Logs and AppConfig. Not created by this program: the VPC's owner provides it. ghcr.io is
     * outside AWS, so a NAT gateway is needed even where VPC interface endpoints serve the AWS APIs.
     * The program reads each private subnet's route table (`aws.ec2.getRouteTable`) and stops with a config
     * error unless `0.0.0.0/0` goes to one of these NAT gateways.
     */
    egress: z.strictObject({
      /** NAT gateways the private subnets route `0.0.0.0/0` through, `nat-<hex>`. */
      natGatewayIds: z.array(pattern(/^nat-[0-9a-f]{8,17}$/, "a NAT gateway id nat-<hex>")).min(1),
    }),
  }),
  /** ACM certificate for the HTTPS listeners. */
  certificateArn: pattern(CERTIFICATE_ARN, "an ACM certificate ARN"),
  alerting: z.strictObject({ email: z.email({ error: "an e-mail address" }).optional() }).prefault({}),
  /**
   * Not a setting: a stack-level build would name this repository's commit, not an app's. Each app builds from
   * its own repository at `apps[].image.build` (CC-ART-08); a stack file with a stack-level `build` gets a config
   * error saying so.
   */
  build: z.unknown().optional(),
  /**
   * The GitHub plan of `githubOwner`: `free`, `pro`, `team` or `enterprise`. With each repository's
   * visibility it decides which constitution controls can exist; where one cannot, the config is refused
   * (never a silent skip). GitHub docs: rulesets and environments of private repositories need a paid plan;
   * required reviewers on environments of private or internal repositories need Enterprise.
   */
  githubPlan: z.enum(GITHUB_PLANS),
  /**
   * This repository, governed like the apps by the stack that owns repositories: its `main` and tag
   * rulesets, its `staging` and `production` GitHub Environments and the OIDC deploy roles `main.yml`
   * assumes. Required in the owning stack, refused elsewhere.
   */
  infrastructure: z
    .strictObject({
      repository: repositorySchema.prefault({ name: PROJECT_NAME, import: true }),
      /** Required status checks on `main`: the jobs of `.github/workflows/pr.yml`. */
      requiredChecks: requiredChecksSchema,
      requiredApprovals: requiredApprovalsSchema,
      /** Reviewers of this repository's `production` environment: the gate before every production deploy. */
      reviewers: reviewersSchema,
      /** Owner tag of this repository's AWS resources (its deploy roles). Default `platform`. */
      owner: pattern(/^\S{2,}$/, "an owner (login or team)").default("platform"),
      /**
       * This repository's environment secrets (values in `secrets.cicd-constitution.<NAME>`). `PULUMI_READ_TOKEN`
       * and `GOVERNANCE_READ_TOKEN`, the read-only tokens, go to the `drift` and `preview` environments only
       * (components/InfrastructureRepository.ts, READ_ONLY_SECRET_NAMES); every other name, the tokens that write,
       * to `staging` and `production` only. Without the read-only ones drift.yml and preview-cloud.yml get none.
       */
      environmentSecrets: z
        .array(pattern(ENV_NAME, "an UPPER_SNAKE_CASE secret name"))
        .default([
          "PULUMI_ACCESS_TOKEN",
          "PULUMI_STAGING_TOKEN",
          "GOVERNANCE_GITHUB_TOKEN",
          "GOVERNANCE_STAGING_TOKEN",
        ]),
      /**
       * Secrets of this repository's `bump` environment, which only jobs of `main` may use (values in
       * `secrets.cicd-constitution.<NAME>`; never repository secrets, which a workflow of any branch could read).
       * `BUMP_TOKEN`: a GitHub App or fine-grained token (contents and pull requests: write on this repository, no
       * workflows permission) that bump-app.yml pushes and opens pull requests with; one opened with the
       * workflow's own token would run no workflow, so no required check.
       */
      repositorySecrets: z
        .array(pattern(ENV_NAME, "an UPPER_SNAKE_CASE secret name"))
        .default(["BUMP_TOKEN"]),
    })
    .optional(),
  /**
   * Bootstrap (the one command run by hand, with administrator credentials, before CI can deploy):
   * the owning stack registers only governance and identity (repositories, rulesets, this repository's
   * environments and deploy roles, the OIDC provider), no runtime. Default false.
   */
  bootstrap: z.boolean({ error: "true or false" }).default(false),
  /**
   * The account's GitHub OIDC identity provider: `create` (the owning stack creates it) or `existing` (read
   * it; a missing one fails the preview as AWS would). Default: `create` in the owning stack, `existing`
   * elsewhere.
   */
  oidcProvider: z.enum(["create", "existing"]).optional(),
  /** `aws:allowedAccountIds`: the AWS accounts this stack may deploy to (the AWS provider refuses others). */
  awsAllowedAccountIds: z.array(pattern(/^\d{12}$/, "a 12-digit AWS account id")).optional(),
  /** Production: where the promoted images come from. */
  promotion: z
    .strictObject({
      /** Fully qualified staging stack, `org/cicd-constitution/staging`, read through a StackReference. */
      // This project's staging stack, whatever the organisation: parity reads what staging ran from it.
      stagingStack: pattern(
        new RegExp(`^[A-Za-z0-9_.-]+/${PROJECT_NAME}/staging$`),
        `a reference to this project's staging stack, ORG/${PROJECT_NAME}/staging`,
      ),
    })
    .optional(),
  apps: z.array(appSchema).min(1),
  /**
   * `cicd predeploy` (F6 "Pre-Deploy Checklist", "Error Budget & Deploy Freeze"): a breached error budget, or a
   * release gate (soak, rollback target, drift), blocks the deploy unless an override names the gate (`ruleId`,
   * one of GATE_OVERRIDABLE), one app of the stack (`resource`), a reason (an incident review), an owner and an
   * expiry date at most 7 days away, as a waiver does (CC-WAIVE-01).
   */
  predeploy: z
    .strictObject({
      overrides: z.array(z.record(z.string(), z.unknown())).default([]),
      /**
       * The GitHub logins `cicd verify` runs as in staging (the identity of staging's GOVERNANCE_GITHUB_TOKEN): only
       * their deployments prove a digest verified there (PREDEPLOY-STAGING-VERIFIED). Default: none, and the check
       * fails saying so.
       */
      verifiers: z
        .array(
          pattern(ACTOR_LOGIN, "a GitHub login (an app's is NAME[bot])").refine(
            (l) => l !== "github-actions[bot]",
            {
              error: "a login other than github-actions[bot], whose token any workflow run holds",
            },
          ),
        )
        .default([]),
      /**
       * Minutes a digest must have run verified in staging, its 5xx, latency and burn alarms OK all along, before
       * production may deploy it (PREDEPLOY-STAGING-SOAK; PLAY 3 "Gate to proceed", 9 "Staging gate: metrics
       * stable"). 0-10080 (a week). Default 15.
       */
      soakMinutes: z.int().min(0).max(10_080).default(15),
      /**
       * Days the release before a `destructive` (contract) migration must have run verified in staging before the
       * contract deploys (PREDEPLOY-CONTRACT-BURN-IN; CONST "Migrations": contract only after a staging burn-in).
       * 0-90. Default 7.
       */
      burnInDays: z.int().min(0).max(90).default(7),
      /**
       * Maintenance windows, ISO 8601 UTC `{ start, end }` (at most 24 hours each): a release whose migration is
       * `requires_maintenance_window` or `destructive` deploys inside one (PREDEPLOY-MIGRATION). Default: none.
       */
      // A time that is not ISO 8601 is isoTime's problem alone: the refinements are written so that NaN passes them.
      maintenanceWindows: z
        .array(
          z
            .strictObject({ start: isoTime, end: isoTime })
            .refine((w) => !(Date.parse(w.end) <= Date.parse(w.start)), { error: "end after start" })
            .refine((w) => !(Date.parse(w.end) - Date.parse(w.start) > 86_400_000), {
              error: "at most 24 hours",
            }),
        )
        .default([]),
      /**
       * Backup markers, audited inputs naming the backup a `destructive` migration may run after: `{ app, backup
       * (its name or id), takenAt (ISO 8601 UTC), owner }`; one younger than a day is required (F6: "destructive
       * migrations require backups"). Default: none.
       */
      backups: z
        .array(
          z.strictObject({
            app: z.string().min(1),
            backup: z.string().min(3).max(256),
            takenAt: isoTime,
            owner: z.string().min(2),
          }),
        )
        .default([]),
    })
    .prefault({}),
  /** Policy pack settings: enforcement overrides, rule settings and waivers (validated by the pack). */
  policy: z
    .strictObject({
      /**
       * Enforcement overrides by rule ID: a level, or, to lower a mandatory rule, an audited record
       * `{ level, reason, owner, expires }` (CC-WAIVE-02; a bare lower level does not apply).
       */
      enforcement: z
        .record(
          z.string(),
          z.union(
            [
              z.enum(["advisory", "mandatory", "disabled"]),
              z.strictObject({
                level: z.enum(["advisory", "mandatory", "disabled"]),
                reason: z.string().optional(),
                owner: z.string().optional(),
                expires: z.string().optional(),
              }),
            ],
            { error: "advisory, mandatory or disabled, or { level, reason, owner, expires }" },
          ),
        )
        .default({}),
      settings: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
      waivers: z.array(z.record(z.string(), z.unknown())).default([]),
    })
    .prefault({}),
  /** Secret values: `secrets.<app>.<NAME>`; must be Pulumi secrets. */
  secrets: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  /** Token that pushes to GHCR (packages: write); a Pulumi secret. */
  ghcrToken: z.string().optional(),
  /**
   * Token the tasks pull private GHCR images with (a classic PAT with `read:packages` only; GitHub docs,
   * "Working with the Container registry"); a Pulumi secret, stored in Secrets Manager per app and read by
   * the execution role (CC-RUN-11). Required unless every app's image is public.
   */
  ghcrPullToken: z.string().optional(),
  /**
   * Staging: a token that can read the apps' private repositories (contents: read), handed to BuildKit as
   * the `GIT_AUTH_TOKEN.github.com` build secret for their git contexts; a Pulumi secret. Required when an
   * app's repository is not public.
   */
  gitSourceToken: z.string().optional(),
});

/** The stack config as parsed, before the checks across keys. */
type StackShape = z.output<typeof stackShape>;

/** Each app name once. */
function uniqueAppNames(c: StackShape, ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  c.apps.forEach((app, i) => {
    if (seen.has(app.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["apps", i, "name"],
        input: app.name,
        message: `a unique app name (apps[${seen.get(app.name)}] has the same name)`,
      });
    }
    seen.set(app.name, i);
  });
}

/** Staging builds each app from its own commit; production builds nothing; no stack-level build (CC-ART-05/08). */
function buildsWhereTheyBelong(c: StackShape, ctx: z.RefinementCtx): void {
  if (c.build !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["build"],
      input: "(set)",
      message:
        "no stack-level build: it named this repository's commit; each app builds from its own repository " +
        "at apps[].image.build { gitSha, date, actor } (CC-ART-08)",
    });
  }
  c.apps.forEach((app, i) => {
    if (c.environment === "staging" && !app.image.build) {
      ctx.addIssue({
        code: "custom",
        path: ["apps", i, "image", "build"],
        input: undefined,
        message:
          "the app repository's commit to build { gitSha, date, actor }: staging builds each app once, from its own source",
      });
    }
    // A staging rollback pins a digest staging ran before, with the provenance it recorded (PLAY 3).
    if (c.environment === "staging" && app.image.digest && !app.image.provenance) {
      ctx.addIssue({
        code: "custom",
        path: ["apps", i, "image", "provenance"],
        input: undefined,
        message:
          "the pinned digest's { gitSha, date, actor } as staging recorded them: cicd rollback --stack staging writes both",
      });
    }
    if (c.environment === "production" && app.image.build) {
      ctx.addIssue({
        code: "custom",
        path: ["apps", i, "image", "build"],
        input: "(set)",
        message:
          "no build in production: it builds nothing and promotes the digest staging built (CC-ART-05)",
      });
    }
  });
}

/** Exactly the stack that owns repositories governs this one (infrastructure) and bootstraps. */
function governanceSections(c: StackShape, ctx: z.RefinementCtx): void {
  const owns = c.governance.ownsRepositories;
  if (owns && !c.infrastructure) {
    ctx.addIssue({
      code: "custom",
      path: ["infrastructure"],
      input: undefined,
      message:
        "this repository's governance { repository, requiredChecks, reviewers }: the stack that owns repositories governs this one too",
    });
  }
  if (!owns && c.infrastructure) {
    ctx.addIssue({
      code: "custom",
      path: ["infrastructure"],
      input: "(set)",
      message:
        "no infrastructure section: only the stack that owns repositories (governance.ownsRepositories) governs this one",
    });
  }
  if (!owns && c.bootstrap) {
    ctx.addIssue({
      code: "custom",
      path: ["bootstrap"],
      input: true,
      message: "false: only the stack that owns repositories bootstraps governance and identity",
    });
  }
}

/** CC-BR-11: whoever must review every change is said, never guessed from an owner tag. */
function codeOwnersNamed(c: StackShape, ctx: z.RefinementCtx): void {
  if (!c.governance.ownsRepositories) return;
  const repos: Array<[Array<string | number>, { codeOwners?: string[] }]> = [
    ...c.apps.map((a, i): [Array<string | number>, { codeOwners?: string[] }] => [
      ["apps", i, "repository"],
      a.repository,
    ]),
    ...(c.infrastructure
      ? [
          [["infrastructure", "repository"], c.infrastructure.repository] as [
            Array<string | number>,
            { codeOwners?: string[] },
          ],
        ]
      : []),
  ];
  for (const [at, repo] of repos)
    if (!repo.codeOwners)
      ctx.addIssue({
        code: "custom",
        path: [...at, "codeOwners"],
        input: undefined,
        message:
          "the repository's code owners (@login or @ORG/TEAM, at least one besides the usual author): main requires a code owner's review",
      });
}

/** This repository's name is no app's (their secrets would share `secrets.<name>`). */
function infrastructureNameFree(c: StackShape, ctx: z.RefinementCtx): void {
  if (c.infrastructure && c.apps.some((a) => a.name === c.infrastructure!.repository.name)) {
    ctx.addIssue({
      code: "custom",
      path: ["infrastructure", "repository", "name"],
      input: c.infrastructure.repository.name,
      message: "a name no app has (secrets.<name> would be shared)",
    });
  }
}

/**
 * One repository is governed by one app, and never by an app and this repository: two would both declare its
 * rulesets and environments, and one app's deploy role would trust the other's workflows (OIDC subject
 * `repo:OWNER/REPO:environment:ENV`). GitHub repository names are case-insensitive.
 */
function repositoriesGovernedOnce(c: StackShape, ctx: z.RefinementCtx): void {
  const owners = new Map<string, string>();
  if (c.infrastructure) owners.set(c.infrastructure.repository.name.toLowerCase(), "infrastructure");
  c.apps.forEach((app, i) => {
    const repo = app.repository.name.toLowerCase();
    const first = owners.get(repo);
    if (first)
      ctx.addIssue({
        code: "custom",
        path: ["apps", i, "repository", "name"],
        input: app.repository.name,
        message: `a repository no other app governs (${app.repository.name} is already ${first === "infrastructure" ? "this repository" : `${first}'s`})`,
      });
    else owners.set(repo, app.name);
  });
}

/** Production promotes: each app's digest and provenance are pinned, or read from staging (promotion). */
function promotionSource(c: StackShape, ctx: z.RefinementCtx): void {
  if (c.environment === "production") {
    c.apps.forEach((app, i) => {
      if (c.bootstrap) return; // bootstrap registers no runtime: nothing to promote yet
      if (!c.promotion && !(app.image.digest && app.image.provenance)) {
        ctx.addIssue({
          code: "custom",
          path: ["apps", i, "image", app.image.digest ? "provenance" : "digest"],
          input: undefined,
          message: app.image.digest
            ? "the digest's provenance (gitSha, date, actor), or promotion.stagingStack to read it from"
            : "the digest staging built (sha256:<64 hex>), or promotion.stagingStack to read it from",
        });
      }
    });
  }
}

/**
 * The stack config: every key checked alone, then the checks across keys. These checks are zod refinements, not
 * functions of checks.ts: zod runs them while every issue so far leaves its value's type intact (a port out of
 * range), so their problems are listed with those; and a problem of theirs stops the checks of checks.ts.
 */
export const stackConfigSchema = stackShape.superRefine((c, ctx) => {
  uniqueAppNames(c, ctx);
  buildsWhereTheyBelong(c, ctx);
  governanceSections(c, ctx);
  codeOwnersNamed(c, ctx);
  infrastructureNameFree(c, ctx);
  repositoriesGovernedOnce(c, ctx);
  promotionSource(c, ctx);
});
