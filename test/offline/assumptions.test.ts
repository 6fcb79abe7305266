/**
 * What the offline preview says it takes for granted (`assumptionsOf`, `src/offline/preview.ts`): each assumption
 * names the stack file's own values (subnets, NAT gateways, scratch paths, domains, private images, reviewers,
 * the gate's trusted identities, build commits, adopted repositories' team code owners) and says how to check it,
 * and appears only where it applies. Also the organisation and project a preview runs under.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { parseStackConfig, StackModel } from "../../src/config/model";
import { readStackFile } from "../../src/config/sources";
import { assumptionsOf, organizationOf, projectName } from "../../src/offline/preview";
import { DEFAULT_ORGANIZATION } from "../../src/program";
import { ROOT, TEST_TODAY } from "../helpers";
import { cleanTempDirs, tempDir, tempFiles } from "../temp";

/** The model of the repository's stack file, its raw config changed by `change` first. */
function model(stack: "staging" | "production", change?: (raw: any) => void): StackModel {
  const source = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`));
  change?.(source.raw);
  return parseStackConfig(stack, source.raw, { secretKeys: source.secretKeys, today: TEST_TODAY });
}

/** The assumptions whose `what` matches `pattern`. */
const about = (m: StackModel, pattern: RegExp) =>
  (assumptionsOf(m) ?? []).filter((a) => pattern.test(a.what));

/** Fails naming the first of `parts` that `text` does not contain. */
function containsAll(text: string, parts: string[]): void {
  for (const part of parts) assert.ok(text.includes(part), `${JSON.stringify(part)} in ${text}`);
}

/** The one assumption whose `what` matches `pattern`. */
function one(m: StackModel, pattern: RegExp): { what: string; check: string } {
  const found = about(m, pattern);
  assert.equal(found.length, 1, `one assumption matching ${pattern}: ${JSON.stringify(assumptionsOf(m))}`);
  return found[0];
}

describe("offline preview: the assumptions it states", function () {
  after(cleanTempDirs);

  it("the network, scratch paths and DNS names, each with the stack file's own values and a check", function () {
    for (const stack of ["staging", "production"] as const) {
      const m = model(stack);
      const net = one(m, /^private subnets /);
      const { privateSubnetIds, egress } = m.network;
      assert.equal(
        net.what,
        `private subnets ${privateSubnetIds.join(", ")} route 0.0.0.0/0 through NAT gateway(s) ${egress.natGatewayIds.join(", ")} (tasks pull from ghcr.io; answered from network.egress offline)`,
      );
      assert.match(
        net.check,
        /^pulumi preview reads each subnet's route table and stops otherwise; by hand: /,
      );
      assert.ok(
        net.check.endsWith("describe-route-tables --filters Name=association.subnet-id,Values=<subnet>"),
      );
      const scratch = one(m, /scratch paths/);
      const paths = m.apps.map((a) => `${a.name}: ${a.runtime.scratchPaths.join(", ")}`).join("; ");
      assert.ok(
        scratch.what.startsWith(`each app's image can write its scratch paths as its own user (${paths}): `),
      );
      containsAll(scratch.what, [
        "bind volumes owned by root",
        "does not support tmpfs",
        "USER is not root creates them in its Dockerfile with the permissions its user needs",
      ]);
      assert.match(scratch.check, /^docker image inspect --format '\{\{\.Config\.User\}\}' IMAGE; /);
      assert.ok(scratch.check.endsWith("touches a file in each scratch path"));
      const dns = one(m, /^DNS names /);
      assert.equal(
        dns.what,
        `DNS names ${m.apps.map((a) => a.runtime.domain).join(", ")} point at their load balancers and certificateArn covers them (DNS is not managed by this program)`,
      );
      assert.match(dns.check, /^aws acm describe-certificate .*SubjectAlternativeNames, Status ISSUED/);
      const plan = one(m, /GitHub plan/);
      assert.ok(
        plan.what.startsWith(`the GitHub plan of ${m.githubOwner} allows rulesets and environment reviewers`),
      );
      assert.ok(
        plan.what.endsWith(
          "(private repositories: rulesets need Team, environment reviewers need Enterprise)",
        ),
      );
      assert.equal(plan.check, "gh api orgs/<owner> --jq .plan.name");
    }
  });

  it("the pull token: named for exactly the private images, absent when every image is public", function () {
    const both = one(model("staging"), /ghcrPullToken/);
    for (const a of model("staging").apps) assert.ok(both.what.includes(a.image.repository));
    const onePublic = model("staging", (raw) => (raw.apps[0].image.public = true));
    const token = one(onePublic, /ghcrPullToken/);
    assert.ok(!token.what.includes(onePublic.apps[0].image.repository), token.what);
    assert.equal(
      token.what,
      `ghcrPullToken is a classic personal access token with read:packages that can read ${onePublic.apps[1].image.repository}`,
    );
    const repositories = model("staging").apps.map((a) => a.image.repository);
    assert.ok(both.what.endsWith(`can read ${repositories.join(", ")}`));
    assert.equal(
      token.check,
      "docker login ghcr.io -u <owner> --password-stdin, then docker pull <image>@<digest>",
    );
    const allPublic = model("staging", (raw) => {
      for (const a of raw.apps) a.image.public = true;
    });
    assert.deepEqual(about(allPublic, /ghcrPullToken/), []);
  });

  it("the reviewers: every user and team once; the organisation and team size only with teams; none without", function () {
    const m = model("production");
    const reviewers = one(m, /production reviewers exist/);
    const users = [
      ...new Set([...m.apps.flatMap((a) => a.reviewers.users), ...m.infrastructure!.reviewers.users]),
    ];
    const teams = [
      ...new Set([...m.apps.flatMap((a) => a.reviewers.teams), ...m.infrastructure!.reviewers.teams]),
    ];
    assert.ok(
      reviewers.what.includes(`users ${users.join(", ")}; teams ${teams.join(", ")}`),
      reviewers.what,
    );
    assert.ok(
      reviewers.what.endsWith(
        ` (looked up by id; a missing one fails the preview); ${m.githubOwner} is an organisation (read first: a user account stops the program); each reviewer team has two or more members, so someone other than whoever starts a run can approve it (self-review is prevented)`,
      ),
      reviewers.what,
    );
    assert.ok(reviewers.what.startsWith(`the production reviewers exist in ${m.githubOwner}: users `));
    assert.equal(
      reviewers.check,
      "gh api orgs/OWNER, gh api users/LOGIN, gh api orgs/OWNER/teams/SLUG and gh api orgs/OWNER/teams/SLUG/members --jq length",
    );
    const usersOnly = model("production", (raw) => {
      for (const r of [...raw.apps.map((a: any) => a.reviewers), raw.infrastructure.reviewers])
        Object.assign(r, { users: ["mathieu", "second-reviewer"], teams: [] });
    });
    const plain = one(usersOnly, /production reviewers exist/);
    assert.match(
      plain.what,
      /: users mathieu, second-reviewer; teams none \(looked up by id; a missing one fails the preview\)$/,
    );
    const teamsOnly = model("production", (raw) => {
      for (const r of [...raw.apps.map((a: any) => a.reviewers), raw.infrastructure.reviewers])
        Object.assign(r, { users: [], teams: ["release-managers"] });
    });
    assert.match(
      one(teamsOnly, /production reviewers exist/).what,
      /: users none; teams release-managers \(looked up by id; a missing one fails the preview\); /,
    );
    assert.deepEqual(about(model("staging"), /production reviewers exist/), []);
  });

  it("the release path: production's trusted check app, verifiers and staging stack; staging's build commits", function () {
    const m = model("production");
    const gate = one(m, /^production's gate trusts/);
    assert.ok(gate.what.includes(`app ${m.governance.checksIntegrationId} (governance.checksIntegrationId)`));
    assert.ok(
      gate.what.includes(`staging deployments by ${m.predeploy.verifiers.join(", ")} (predeploy.verifiers)`),
    );
    assert.ok(gate.what.endsWith(`read from ${m.promotion!.stagingStack}`), gate.what);
    assert.ok(gate.what.startsWith("production's gate trusts only check runs of app "));
    assert.equal(
      gate.check,
      "gh api /apps/<slug> --jq .id (15368 is GitHub Actions); the login of staging's GOVERNANCE_GITHUB_TOKEN: gh api user --jq .login",
    );
    const pinned = model("production", (raw) => {
      delete raw.promotion;
      for (const a of raw.apps)
        a.image.provenance = { gitSha: "a".repeat(40), date: "2026-11-14T09:12:00Z", actor: "mathieu" };
    });
    assert.ok(one(pinned, /^production's gate trusts/).what.endsWith("read from the pinned digests"));
    const nobody = model("production", (raw) => (raw.predeploy.verifiers = []));
    assert.match(one(nobody, /^production's gate trusts/).what, /by nobody: predeploy\.verifiers is empty/);
    assert.deepEqual(about(m, /image\.build\.gitSha/), []);
    const s = model("staging");
    const commits = one(s, /image\.build\.gitSha/);
    const built = s.apps.map((a) => `${a.repository.name}@${a.image.build!.gitSha.slice(0, 12)}`);
    assert.ok(built.length > 1, "the staging stack file builds several apps");
    assert.ok(commits.what.includes(`(${built.join(", ")})`), commits.what);
    assert.ok(commits.what.startsWith("each app's image.build.gitSha is a commit of its own repository ("));
    assert.ok(commits.what.endsWith("), readable with gitSourceToken"));
    assert.equal(
      commits.check,
      "git ls-remote https://github.com/OWNER/APP.git, or the app's commit page; bump-app.yml sets it",
    );
    assert.deepEqual(about(s, /^production's gate trusts/), []);
  });

  it("an owning stack: the organisation's protections, and the team code owners of each adopted repository", function () {
    const m = model("production");
    const owned = one(m, /Secret Protection/);
    assert.ok(
      owned.what.startsWith(`${m.githubOwner} has GitHub Secret Protection for its private repositories`),
    );
    containsAll(owned.what, [
      "(secret scanning and push protection, CC-BR-09)",
      "its Actions policy lets repositories choose their actions; and the apps' workflows use only",
      "pinned by full SHA (CC-BR-10)",
      "its new repositories' default branch is main (the managed files are committed there before the rulesets)",
    ]);
    containsAll(owned.check, [
      ".security_and_analysis",
      "gh api orgs/<owner>/actions/permissions",
      "grep -n 'uses:'",
      "Settings > Repository > default branch",
    ]);
    const adopted = about(m, /code-owner teams/);
    const expected = [...m.apps.map((a) => a.repository), m.infrastructure!.repository]
      .filter((r) => r.import)
      .map((r) => [r.name, (r.codeOwners ?? []).filter((o) => o.includes("/"))] as const)
      .filter(([, t]) => t.length);
    assert.ok(expected.length > 0, "the production stack file adopts a repository with team code owners");
    assert.deepEqual(
      adopted.map((a) => [a.what, a.check]),
      expected.map(([name, t]) => [
        `the code-owner teams ${t.join(", ")} can write to the adopted repository ${name} (GitHub ignores code owners who cannot)`,
        `gh api repos/${m.githubOwner}/${name}/teams --jq '.[] | [.slug, .permission]'`,
      ]),
    );
    const usersOnly = model("production", (raw) => {
      raw.infrastructure.repository.codeOwners = ["@mathieu"];
    });
    assert.deepEqual(about(usersOnly, /code-owner teams/), []);
    const notOwning = model("production", (raw) => {
      raw.governance.ownsRepositories = false;
      delete raw.infrastructure;
    });
    assert.deepEqual(about(notOwning, /Secret Protection|code-owner teams/), []);
    assert.deepEqual(about(model("staging"), /Secret Protection|code-owner teams/), []);
  });

  it("lists of several values are said in full, comma-separated: teams, scratch paths, verifiers, code owners", function () {
    const m = model("production", (raw) => {
      raw.infrastructure.reviewers = { users: ["infra-only-reviewer"], teams: ["platform", "security"] };
      raw.predeploy.verifiers = ["deployer-one", "deployer-two"];
      raw.infrastructure.repository.codeOwners = ["@surlefeu/platform", "@surlefeu/security"];
      raw.apps[0].runtime.scratchPaths = ["/tmp", "/var/cache/app"];
    });
    const reviewers = one(m, /production reviewers exist/).what;
    assert.match(
      reviewers,
      /users [^;]*\binfra-only-reviewer\b[^;]*; /,
      "the infrastructure's reviewers too",
    );
    assert.match(reviewers, /; teams [^(]*\bplatform, security\b/);
    assert.match(
      one(m, /^production's gate trusts/).what,
      / by deployer-one, deployer-two \(predeploy\.verifiers\)/,
    );
    assert.ok(one(m, /scratch paths/).what.includes(`${m.apps[0].name}: /tmp, /var/cache/app; `));
    const infra = m.infrastructure!.repository.name;
    assert.ok(
      about(m, /code-owner teams/).some((a) =>
        a.what.startsWith(
          `the code-owner teams @surlefeu/platform, @surlefeu/security can write to the adopted repository ${infra} `,
        ),
      ),
      JSON.stringify(about(m, /code-owner teams/)),
    );
  });

  it("every assumption, in every variant above, is a statement and a check, both non-empty text", function () {
    const variants = [
      model("staging"),
      model("production"),
      model("staging", (raw) => {
        for (const a of raw.apps) a.image.public = true;
      }),
      model("production", (raw) => {
        raw.governance.ownsRepositories = false;
        delete raw.infrastructure;
      }),
      model("production", (raw) => {
        raw.infrastructure.repository.codeOwners = ["@mathieu"];
      }),
    ];
    for (const m of variants)
      for (const a of assumptionsOf(m) ?? []) {
        assert.deepEqual(Object.keys(a).sort(), ["check", "what"], JSON.stringify(a));
        assert.ok(
          typeof a.what === "string" &&
            a.what.length > 0 &&
            typeof a.check === "string" &&
            a.check.length > 0,
        );
      }
  });

  it("the organisation from the first stack file naming promotion.stagingStack, the project from Pulumi.yaml", function () {
    assert.equal(organizationOf(ROOT), "surlefeu");
    const promoted = (org: string) =>
      `config:\n  cicd-constitution:promotion:\n    stagingStack: ${org}/p/staging\n`;
    // Only Pulumi.<stack>.yaml and .yml are stack files: not a backup, not another file ending alike.
    const others = tempFiles("assumptions", {
      "Pulumi.a.yaml.bak": promoted("backup"),
      "0Pulumi.a.yaml": promoted("prefixed"),
      "Pulumi.z.yaml": promoted("real"),
    });
    assert.equal(organizationOf(others), "real");
    const dir = tempFiles("assumptions", {
      "Pulumi.a.yaml": "config: {}\n",
      "Pulumi.b.yml": "config:\n  cicd-constitution:promotion:\n    stagingStack: first/p/staging\n",
      "Pulumi.c.yaml": "config:\n  cicd-constitution:promotion:\n    stagingStack: second/p/staging\n",
      "Pulumi.yaml": "name: other-project\n",
    });
    assert.equal(organizationOf(dir), "first");
    assert.equal(projectName(dir), "other-project");
    const bare = tempFiles("assumptions", {
      "Pulumi.a.yaml": "config: {}\n",
      "Pulumi.yaml": "runtime: nodejs\n",
    });
    assert.equal(organizationOf(bare), DEFAULT_ORGANIZATION);
    assert.equal(projectName(bare), "cicd-constitution");
    assert.equal(projectName(tempDir("assumptions-none")), "cicd-constitution");
    assert.equal(
      projectName(tempFiles("assumptions", { "Pulumi.yaml": "name: [unclosed\n" })),
      "cicd-constitution",
    );
  });
});
