/**
 * The parity rules (policy-pack/rules/parity.ts, CC-PAR-*) on minimal hand-built resources, one named scenario per
 * test: the exact verdict, the resource judged and the evidence an auditor reads (docs/PROOFS.md section 4).
 */
import { PolicyResourceInput } from "../../../policy-pack/evaluate";
import {
  DIGEST_1 as D1,
  DIGEST_2 as D2,
  environmentTag,
  FLAG,
  hcv,
  PRODUCTION_TAGS,
  profileRef,
  r,
  IMAGE_REPO as REPO,
  ruleCases,
  T,
  taskDefinition,
} from "../rule-harness";

type Props = Record<string, unknown>;

/** erp-berhan's profile as staging publishes it; production below matches it. */
const PROFILE = {
  imageRepository: REPO,
  digest: D1,
  knownDigests: [D2],
  envNames: ["APP_ENV", "BUILD_SHA"],
  secretNames: ["DATABASE_URL"],
  readinessPath: "/readyz",
  containerHealthPath: "/healthz",
  port: 8000,
  flags: ["beta_menu"],
};
const stagingRef = (apps: Record<string, unknown>, environment = "staging") => profileRef(apps, environment);
const prodTd = (over: Props = {}, image = `${REPO}@${D1}`) =>
  taskDefinition([
    {
      name: "web",
      image,
      environment: [
        { name: "BUILD_SHA", value: "x" },
        { name: "APP_ENV", value: "production" },
      ],
      secrets: [{ name: "DATABASE_URL", valueFrom: "arn:db" }],
      healthCheck: { command: ["CMD-SHELL", "curl -fsS http://localhost:8000/healthz || exit 1"] },
      portMappings: [{ containerPort: 8000 }],
      ...over,
    },
  ]);
const retagged = (res: PolicyResourceInput, tags: Props) => ({ ...res, props: { ...res.props, tags } });
const prodTg = r(T.targetGroup, "erp-tg", { tags: PRODUCTION_TAGS, healthCheck: { path: "/readyz" } });
const prodFlags = (keys: string[]) =>
  hcv(Object.fromEntries(keys.map((k) => [k, FLAG])), { tags: PRODUCTION_TAGS });
/** Staging's profile with `over`, and production as staging ran it with flags `flags`. */
const parity = (over: Props = {}, flags = ["beta_menu"]) => [
  stagingRef({ "erp-berhan": { ...PROFILE, ...over } }),
  prodTd(),
  prodTg,
  prodFlags(flags),
];
const NO_PROFILE =
  "the production stack has no StackReference whose outputs.environmentProfile is staging's, so parity cannot be shown";

describe("CC-PAR-01, CC-PAR-02, CC-PAR-03: production is judged against staging's profile", () => {
  for (const rule of ["CC-PAR-01", "CC-PAR-02", "CC-PAR-03"])
    ruleCases(rule, [
      {
        name: "fails the stack without a stack reference",
        resources: [prodTd()],
        expected: [["fail", null, NO_PROFILE]],
      },
      {
        name: "fails the stack when the referenced profile is another environment's",
        resources: [stagingRef({ "erp-berhan": PROFILE }, "qa"), prodTd()],
        expected: [["fail", null, NO_PROFILE]],
      },
      {
        name: "fails the stack when the profile's apps are not an object",
        resources: [profileRef("x"), prodTd()],
        expected: [["fail", null, NO_PROFILE]],
      },
      {
        name: "is not applicable to a staging stack",
        resources: [environmentTag("staging")],
        expected: [["not-applicable", null, "parity is checked in the production stack"]],
      },
      {
        name: "fails an app staging has never run",
        resources: [stagingRef({ menu: PROFILE }), prodTd()],
        expected: [
          ["fail", "erp-td", "erp-berhan runs in production but staging (staging-profile) has never run it"],
        ],
      },
    ]);
  ruleCases("CC-PAR-01", [
    {
      name: "is not applicable when the only task definition is staging's",
      resources: [
        environmentTag("production"),
        stagingRef({ "erp-berhan": PROFILE }),
        retagged(prodTd(), { environment: "staging", app: "erp-berhan" }),
      ],
      expected: [["not-applicable", null, "nothing in this stack for this rule to check"]],
    },
  ]);
});

describe("CC-PAR-01: production runs a digest staging ran, from the same repository", () =>
  ruleCases("CC-PAR-01", [
    {
      name: "passes staging's current digest",
      resources: parity(),
      expected: [["pass", "erp-td", `erp-berhan: runs ${REPO}@${D1}, which staging has run`]],
    },
    {
      name: "passes a digest among staging's known digests",
      resources: parity({ digest: undefined, knownDigests: [D1] }),
      status: "pass",
    },
    {
      name: "fails another repository and a digest staging never ran, naming both",
      resources: parity({ imageRepository: "ghcr.io/acme/other", digest: D2, knownDigests: undefined }),
      expected: [
        [
          "fail",
          "erp-td",
          `erp-berhan: repository ${REPO} differs from staging's ghcr.io/acme/other; digest ${D1} was never run by staging`,
        ],
      ],
    },
    {
      name: "fails an image run by tag",
      resources: [stagingRef({ "erp-berhan": PROFILE }), prodTd({}, `${REPO}:prod`)],
      expected: [["fail", "erp-td", "erp-berhan: digest (none) was never run by staging"]],
    },
    {
      name: "says (none) for the repository of a profile that has none",
      resources: parity({ imageRepository: undefined }),
      expected: [["fail", "erp-td", `erp-berhan: repository ${REPO} differs from staging's (none)`]],
    },
  ]));

describe("CC-PAR-02: production has the variable and secret names staging has", () =>
  ruleCases("CC-PAR-02", [
    {
      name: "passes the same names, counting them",
      resources: parity(),
      expected: [["pass", "erp-td", "erp-berhan: 2 variable names and 1 secret names as in staging"]],
    },
    {
      name: "passes staging naming a variable twice",
      resources: parity({ envNames: ["APP_ENV", "BUILD_SHA", "BUILD_SHA"] }),
      status: "pass",
    },
    {
      name: "fails different variable and secret names, naming each side",
      resources: parity({ envNames: ["APP_ENV", "DEBUG"], secretNames: [] }),
      expected: [
        [
          "fail",
          "erp-td",
          "erp-berhan: environment variable names differ (only in production: [BUILD_SHA], only in staging: [DEBUG]); secret names differ (only in production: [DATABASE_URL], only in staging: [])",
        ],
      ],
    },
    {
      name: "fails a variable only production has",
      resources: parity({ envNames: ["APP_ENV"] }),
      message:
        "erp-berhan: environment variable names differ (only in production: [BUILD_SHA], only in staging: [])",
    },
    {
      name: "passes the same names in another order",
      resources: parity({ envNames: ["BUILD_SHA", "APP_ENV"] }, ["beta_menu", "new_ui"]),
      status: "pass",
    },
    {
      name: "lists every name of each side",
      resources: parity({ envNames: ["X", "Y"] }, ["beta_menu", "new_ui"]),
      message:
        "erp-berhan: environment variable names differ (only in production: [APP_ENV, BUILD_SHA], only in staging: [X, Y])",
    },
  ]));

const TWO_FLAGS = "erp-berhan: health /readyz / /healthz, port 8000, flags [beta_menu, new_ui] as in staging";

describe("CC-PAR-03: production has staging's health paths, port and flag keys", () =>
  ruleCases("CC-PAR-03", [
    {
      name: "passes the same paths, port and flags, naming them",
      resources: parity(),
      expected: [
        [
          "pass",
          "erp-td",
          "erp-berhan: health /readyz / /healthz, port 8000, flags [beta_menu] as in staging",
        ],
      ],
    },
    {
      name: 'passes staging\'s port "8000" as 8000',
      resources: parity({ port: "8000" }),
      status: "pass",
    },
    {
      name: "fails other paths, port and flags, naming each difference",
      resources: parity({
        readinessPath: "/ready",
        containerHealthPath: "/live",
        port: 9000,
        flags: ["beta_menu", "new_ui"],
      }),
      expected: [
        [
          "fail",
          "erp-td",
          "erp-berhan: load balancer health path /readyz vs staging /ready; container health path /healthz vs staging /live; port 8000 vs staging 9000; flags differ (only in production: [], only in staging: [new_ui])",
        ],
      ],
    },
    {
      name: "fails production without target group, health check or port, saying (none) for each",
      resources: [
        stagingRef({ "erp-berhan": { ...PROFILE, flags: [] } }),
        prodTd({ healthCheck: undefined, portMappings: [] }),
      ],
      expected: [
        [
          "fail",
          "erp-td",
          "erp-berhan: load balancer health path (none) vs staging /readyz; container health path (none) vs staging /healthz; port (none) vs staging 8000",
        ],
      ],
    },
    {
      name: "ignores another app's flags",
      resources: [
        ...parity(),
        { ...retagged(prodFlags(["x"]), { app: "menu" }), name: "menu-flags", urn: "urn:menu-flags" },
      ],
      status: "pass",
    },
    {
      name: "lists the flags sorted",
      resources: parity({ flags: ["new_ui", "beta_menu"] }, ["beta_menu", "new_ui"]),
      message: TWO_FLAGS,
    },
    {
      name: "counts the flags of every feature-flags document of the app",
      resources: [
        ...parity({ flags: ["beta_menu", "new_ui"] }),
        { ...prodFlags(["new_ui"]), name: "erp-flags-2", urn: "urn:erp-flags-2" },
      ],
      expected: [["pass", "erp-td", TWO_FLAGS]],
    },
  ]));
