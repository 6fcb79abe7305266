/**
 * The checks across keys of the config schema (src/config/schema.ts's refinements), each with its exact problem:
 * app names once, builds only in staging and each app's own, the governance sections only in the stack that owns
 * repositories, code owners named there, one governor per repository, production's images promoted.
 */
import { strict as assert } from "node:assert";
import { one, parsed, problems } from "./configFixtures";

const PROVENANCE = { gitSha: "a".repeat(40), date: "2026-11-20T10:00:00Z", actor: "mathieu" };
const DIGEST = `sha256:${"b".repeat(64)}`;
const CODE_OWNERS =
  "the repository's code owners (@login or @ORG/TEAM, at least one besides the usual author): main requires a code owner's review";

describe("config schema: app names and builds", () => {
  it("each app name once: a repeat names the last app of that name", () => {
    const found = problems((r) => {
      const copy = (n: number) => ({ ...r.apps[0], repository: { name: `erp-copy-${n}` } });
      r.apps.push(copy(1), copy(2));
    });
    assert.deepEqual(found, [
      ...one("apps[2].name", "a unique app name (apps[0] has the same name)", '"erp-berhan"'),
      ...one("apps[3].name", "a unique app name (apps[2] has the same name)", '"erp-berhan"'),
    ]);
  });

  it("staging: a pinned digest (a rollback) needs the provenance staging recorded for it", () => {
    assert.deepEqual(
      problems((r) => (r.apps[1].image.digest = DIGEST)),
      one(
        "apps[1].image.provenance",
        "the pinned digest's { gitSha, date, actor } as staging recorded them: cicd rollback --stack staging writes both",
        "(missing)",
      ),
    );
    const model = parsed((r) => Object.assign(r.apps[1].image, { digest: DIGEST, provenance: PROVENANCE }));
    assert.equal(model.apps[1].image.digest, DIGEST);
  });
});

describe("config schema: the stack that owns repositories", () => {
  it("governs this repository: infrastructure is required there and refused elsewhere", () => {
    assert.deepEqual(
      problems((r) => delete r.infrastructure, "production"),
      one(
        "infrastructure",
        "this repository's governance { repository, requiredChecks, reviewers }: the stack that owns repositories governs this one too",
        "(missing)",
      ),
    );
    const infrastructure = { repository: { name: "cicd-constitution", codeOwners: ["@mathieu"] } };
    assert.deepEqual(
      problems((r) => (r.infrastructure = infrastructure)),
      one(
        "infrastructure",
        "no infrastructure section: only the stack that owns repositories (governance.ownsRepositories) governs this one",
        JSON.stringify(infrastructure),
      ),
    );
  });

  it("bootstraps: bootstrap is refused in a stack that does not own repositories", () => {
    assert.deepEqual(
      problems((r) => (r.bootstrap = true)),
      one(
        "bootstrap",
        "false: only the stack that owns repositories bootstraps governance and identity",
        "true",
      ),
    );
    assert.equal(parsed((r) => (r.bootstrap = false)).bootstrap, false);
    assert.equal(parsed((r) => (r.bootstrap = true), "production").bootstrap, true);
  });

  it("names every governed repository's code owners; a stack that owns none needs none", () => {
    assert.deepEqual(
      problems((r) => delete r.apps[1].repository.codeOwners, "production"),
      one("apps[1].repository.codeOwners", CODE_OWNERS, "(missing)"),
    );
    assert.deepEqual(
      problems((r) => delete r.infrastructure.repository.codeOwners, "production"),
      one("infrastructure.repository.codeOwners", CODE_OWNERS, "(missing)"),
    );
    assert.equal(
      parsed((r) => delete r.apps[0].repository.codeOwners).apps[0].repository.codeOwners,
      undefined,
    );
  });

  it("this repository's name is no app's: their secrets would share secrets.<name>", () => {
    assert.deepEqual(
      problems((r) => (r.apps[1].name = "cicd-constitution"), "production"),
      one(
        "infrastructure.repository.name",
        "a name no app has (secrets.<name> would be shared)",
        '"cicd-constitution"',
      ),
    );
  });

  it("one governor per repository, whatever the case of its name", () => {
    assert.deepEqual(
      problems((r) => (r.apps[1].repository.name = "CICD-Constitution"), "production"),
      one(
        "apps[1].repository.name",
        "a repository no other app governs (CICD-Constitution is already this repository)",
        '"CICD-Constitution"',
      ),
    );
    assert.deepEqual(
      problems((r) => (r.apps[1].repository.name = "Erp-Berhan")),
      one(
        "apps[1].repository.name",
        "a repository no other app governs (Erp-Berhan is already erp-berhan's)",
        '"Erp-Berhan"',
      ),
    );
  });
});

describe("config schema: production promotes", () => {
  it("without promotion.stagingStack, each app pins its digest and the digest's provenance", () => {
    const found = problems((r) => {
      delete r.promotion;
      r.apps[0].image.provenance = PROVENANCE;
    }, "production");
    assert.deepEqual(
      found,
      one(
        "apps[1].image.provenance",
        "the digest's provenance (gitSha, date, actor), or promotion.stagingStack to read it from",
        "(missing)",
      ),
    );
    assert.deepEqual(
      problems((r) => {
        delete r.promotion;
        delete r.apps[0].image.digest;
        r.apps[1].image.provenance = PROVENANCE;
      }, "production"),
      one(
        "apps[0].image.digest",
        "the digest staging built (sha256:<64 hex>), or promotion.stagingStack to read it from",
        "(missing)",
      ),
    );
  });

  it("a bootstrap promotes nothing: it registers no runtime", () => {
    const model = parsed((r) => {
      r.bootstrap = true;
      delete r.promotion;
      for (const app of r.apps) delete app.image.digest;
    }, "production");
    assert.equal(model.apps[0].image.digest, undefined);
  });

  it("staging needs no promotion: it builds", () => {
    assert.equal(parsed((r) => delete r.promotion).promotion, undefined);
  });
});
