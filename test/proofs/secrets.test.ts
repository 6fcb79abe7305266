/**
 * Secret safety (issue 5, part 2): distinctive values for every secret key of both repository stacks
 * (`secrets.<app>.<NAME>` of runtime.secrets and environmentSecrets, and `ghcrToken`) flow through the real
 * program (`mode: "engine"`, as under `pulumi up`), and none appears in any output: plan files, stack outputs,
 * policy results, every report format, the audit of a stack export (secrets as secret objects, with and without
 * `--show-secrets` plaintext, and as plain text where a secret belongs), and the stdout/stderr of every command.
 *
 * The CLI cannot receive real secret values offline: stack files may hold secrets only as `secure:` ciphertext
 * (plain text is a config error, by design), and the offline preview replaces ciphertext by a placeholder. So
 * the subprocess checks give the CLI what it can get: distinctive ciphertexts (never printed) and, in a second
 * project, distinctive plain-text secrets (rejected, named by key, never printed). The real values are checked
 * on every in-process path the CLI uses (plans, outputs, audit results, report renderers).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { RULES, POLICY_PACK_NAME, POLICY_PACK_VERSION } from "../../policy-pack/evaluate";
import { runAudit } from "../../src/audit/command";
import { SECRET_SIG, SIG_KEY } from "../../src/audit/readState";
import { auditPreview } from "../../src/audit/policy";
import { previewSource, StackPreview } from "../../src/offline/preview";
import { buildReport } from "../../src/report/build";
import { renderReport } from "../../src/report/render";
import { REPORT_FORMATS } from "../../src/report/types";
import { engineSource, NamespacedConfig } from "./arbitraries";
import { cicd, cicdProcess } from "../cli-harness";

const ROOT = path.resolve(__dirname, "../..");
const NOW = new Date("2026-11-21T00:00:00Z");
const RUN = Math.random().toString(36).slice(2, 10);

/** The repository's stack file config with a distinctive value for every secret its model requires. */
function withSecrets(stack: string): { config: NamespacedConfig; values: string[] } {
  const doc = parseYaml(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config: NamespacedConfig;
  };
  const config = doc.config;
  const secrets: Record<string, Record<string, string>> = {};
  for (const app of config["cicd-constitution:apps"] as Array<{
    name: string;
    environmentSecrets?: string[];
    runtime: { secrets?: string[] };
  }>) {
    secrets[app.name] = {};
    for (const n of [...(app.runtime.secrets ?? []), ...(app.environmentSecrets ?? [])])
      secrets[app.name][n] = `S3CR3T-${stack}-${app.name}-${n}-${RUN}`;
  }
  const infra = config["cicd-constitution:infrastructure"] as { environmentSecrets?: string[] } | undefined;
  if (infra) {
    secrets["cicd-constitution"] = {};
    for (const n of [
      ...(infra.environmentSecrets ?? [
        "PULUMI_ACCESS_TOKEN",
        "PULUMI_STAGING_TOKEN",
        "GOVERNANCE_GITHUB_TOKEN",
      ]),
      "BUMP_TOKEN",
    ])
      secrets["cicd-constitution"][n] = `S3CR3T-${stack}-cicd-constitution-${n}-${RUN}`;
  }
  config["cicd-constitution:secrets"] = secrets;
  config["cicd-constitution:ghcrToken"] = `ghp_S3CR3T${stack}${RUN}`;
  // The pull token also reaches a Secrets Manager secret as {"username","password"} JSON: never in clear.
  config["cicd-constitution:ghcrPullToken"] = `ghp_PULL${stack}${RUN}`;
  if (stack === "staging") config["cicd-constitution:gitSourceToken"] = `ghp_SRC${stack}${RUN}`;
  const values = [
    ...Object.values(secrets).flatMap((s) => Object.values(s)),
    config["cicd-constitution:ghcrToken"] as string,
    config["cicd-constitution:ghcrPullToken"] as string,
    ...(stack === "staging" ? [config["cicd-constitution:gitSourceToken"] as string] : []),
  ];
  return { config, values };
}

/** Fails naming the first secret found in `text` (by key, never printing the value itself in full). */
function assertNoSecret(text: string, values: string[], where: string): void {
  const leaked = values.filter((v) => text.includes(v));
  assert.deepEqual(
    leaked.map((v) => v.replace(RUN, "<run>")),
    [],
    `${where} holds secret value(s)`,
  );
  // Fragments too: the distinctive marker never appears, whatever the encoding kept of a value.
  assert.ok(!text.includes(RUN), `${where} holds a fragment of a secret value`);
}

/** Runs `fn`, returning what it wrote to stdout and stderr (console and direct writes). */
async function captured(fn: () => Promise<unknown>): Promise<string> {
  const chunks: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const grab = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  process.stdout.write = grab as typeof process.stdout.write;
  process.stderr.write = grab as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return chunks.join("");
}

/**
 * Runs `cicd ARGS` with `cwd` as the working directory: the first preview as the compiled executable in a child
 * process (all a process prints, whatever prints it), every other command in this process (test/cli-harness.ts,
 * stdout and stderr writes captured), which is where their output is made.
 */
async function run(args: string[], cwd: string, child = false): Promise<{ code: number; out: string }> {
  const r = child ? cicdProcess(args, { cwd, env: { FORCE_COLOR: "0" } }) : await cicd(args, { cwd });
  return { code: r.code ?? 1, out: `${r.stdout}\n${r.stderr}` };
}

describe("proofs: secret safety", function () {
  this.timeout(300_000);
  let staging: StackPreview;
  let production: StackPreview;
  let values: string[];

  before(async () => {
    const s = withSecrets("staging");
    const p = withSecrets("production");
    values = [...s.values, ...p.values];
    staging = await previewSource(engineSource("staging", s.config), { today: NOW, mode: "engine" });
    production = await previewSource(engineSource("production", p.config), {
      today: NOW,
      mode: "engine",
      stackOutputs: { "surlefeu/cicd-constitution/staging": staging.stackOutputs },
    });
  });

  it("the values reach the resources (the test is not vacuous)", () => {
    for (const p of [staging, production]) {
      const props = JSON.stringify(p.resources.map((r) => r.props));
      const mine = values.filter(
        (v) => v.includes(`-${p.plan.stack}-`) || v.includes(`S3CR3T${p.plan.stack}`),
      );
      assert.ok(mine.length >= 8, `${p.plan.stack}: ${mine.length} secrets`);
      for (const v of mine)
        assert.ok(props.includes(v), `${p.plan.stack}: a secret does not reach any resource`);
      for (const v of mine)
        assert.ok(p.secretValues.has(v), `${p.plan.stack}: a secret is not known as secret`);
    }
  });

  it("plan files: no secret value, each secret input is [secret]", () => {
    for (const p of [staging, production]) {
      const text = JSON.stringify(p.plan, null, 2);
      assertNoSecret(text, values, `plan.${p.plan.stack}.json`);
      const secretVersions = p.plan.resources.filter(
        (r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion",
      );
      assert.ok(secretVersions.length > 0);
      for (const r of secretVersions) assert.equal(r.inputs.secretString, "[secret]", r.urn);
      const envSecrets = p.plan.resources.filter(
        (r) => r.type === "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
      );
      assert.ok(envSecrets.length > 0);
      for (const r of envSecrets) assert.equal(r.inputs.value, "[secret]", r.urn);
    }
  });

  it("stack outputs: none holds a secret, masked or not (the program exports no secret)", () => {
    for (const p of [staging, production]) {
      assertNoSecret(JSON.stringify(p.plan.outputs), values, `${p.plan.stack} outputs (plan)`);
      assertNoSecret(
        JSON.stringify(p.stackOutputs),
        values,
        `${p.plan.stack} outputs (as a StackReference reads them)`,
      );
    }
  });

  it("policy results and every report format: no secret value", () => {
    for (const p of [staging, production]) {
      const audit = auditPreview(p, NOW);
      assertNoSecret(JSON.stringify(audit.results), values, `${p.plan.stack} policy results`);
      const report = buildReport({
        mode: "offline",
        stack: p.plan.stack,
        policyPack: { name: POLICY_PACK_NAME, version: POLICY_PACK_VERSION },
        results: audit.results,
        rules: RULES,
        stackFile: {
          uri: `Pulumi.${p.plan.stack}.yaml`,
          text: fs.readFileSync(path.join(ROOT, `Pulumi.${p.plan.stack}.yaml`), "utf8"),
        },
      });
      assert.ok(REPORT_FORMATS.length >= 5);
      for (const format of REPORT_FORMATS) {
        const text = renderReport(report, format);
        assert.ok(text.length > 100, format);
        assertNoSecret(text, values, `${p.plan.stack} ${format} report`);
      }
    }
  });

  describe("audit of a stack export holding the secrets", () => {
    /** A deployment v3 export of the production preview, secrets written as `mode` says. */
    function exportOf(p: StackPreview, mode: "ciphertext" | "show-secrets" | "plaintext"): string {
      const secret = (v: string) =>
        mode === "ciphertext"
          ? { [SIG_KEY]: SECRET_SIG, ciphertext: `v1:${Buffer.from(v).toString("base64")}` }
          : mode === "show-secrets"
            ? { [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(v) }
            : v;
      const wrap = (value: unknown): unknown => {
        if (typeof value === "string" && p.secretValues.has(value)) return secret(value);
        if (Array.isArray(value)) return value.map(wrap);
        if (value && typeof value === "object")
          return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrap(v)]));
        return value;
      };
      return JSON.stringify({
        version: 3,
        deployment: {
          manifest: { time: "2026-11-21T00:00:00Z", magic: "", version: "v3.248.0" },
          resources: p.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            custom: !r.type.startsWith("cicd-constitution:"),
            ...(r.parent ? { parent: r.parent } : {}),
            inputs: wrap(r.props),
            outputs: wrap(r.props),
          })),
        },
      });
    }

    for (const mode of ["ciphertext", "show-secrets", "plaintext"] as const) {
      it(`${mode}: table and json reports, stdout and stderr, hold no secret value`, async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "proofs-audit-"));
        const file = path.join(dir, "export.json");
        fs.writeFileSync(file, exportOf(production, mode));
        if (mode !== "ciphertext") assert.ok(values.some((v) => fs.readFileSync(file, "utf8").includes(v)));
        for (const format of ["table", "json"] as const) {
          const out = path.join(dir, `audit.${format}`);
          const text = await captured(async () => {
            await runAudit({ fromExport: file, stack: "production", format, dir: ROOT, now: NOW });
            await runAudit({ fromExport: file, stack: "production", format, dir: ROOT, now: NOW, out });
          });
          assert.ok(text.length > 100, `${mode} ${format}: the audit printed nothing`);
          assertNoSecret(text, values, `audit ${mode} ${format} stdout/stderr`);
          assertNoSecret(fs.readFileSync(out, "utf8"), values, `audit ${mode} ${format} --out file`);
        }
        // Plain text where a secret belongs is itself a finding (CC-ENV-04), reported without the value.
        if (mode === "plaintext") {
          const text = await captured(() =>
            runAudit({ fromExport: file, stack: "production", format: "json", dir: ROOT, now: NOW }),
          );
          // stdout's one JSON document, without the line stderr says which settings applied.
          const stdout = text
            .split("\n")
            .filter((l) => !l.startsWith("audit: stack "))
            .join("\n");
          const json = JSON.parse(stdout) as { results: Array<{ ruleId: string; status: string }> };
          assert.ok(json.results.some((r) => r.ruleId === "CC-ENV-04" && r.status === "fail"));
        }
        fs.rmSync(dir, { recursive: true, force: true });
      });
    }
  });

  describe("every command's stdout and stderr", () => {
    let dir: string;
    const ciphertexts: string[] = [];

    before(() => {
      // A project whose stack files hold every secret as distinctive `secure:` ciphertext, as `pulumi config
      // set --secret` writes it; a second one holds them as plain text (a config error, by design).
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "proofs-cli-"));
      fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
      for (const stack of ["staging", "production"]) {
        const { config } = withSecrets(stack);
        const secure = (v: string) => {
          const c = `AAABA${Buffer.from(v).toString("base64")}`;
          ciphertexts.push(c);
          return { secure: c };
        };
        const secrets = config["cicd-constitution:secrets"] as Record<string, Record<string, string>>;
        config["cicd-constitution:secrets"] = Object.fromEntries(
          Object.entries(secrets).map(([app, s]) => [
            app,
            Object.fromEntries(Object.entries(s).map(([k, v]) => [k, secure(v)])),
          ]),
        );
        config["cicd-constitution:ghcrToken"] = secure(config["cicd-constitution:ghcrToken"] as string);
        for (const key of ["ghcrPullToken", "gitSourceToken"]) {
          const k = `cicd-constitution:${key}`;
          if (typeof config[k] === "string") config[k] = secure(config[k] as string);
        }
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify({ config }));
        fs.mkdirSync(path.join(dir, "plain"), { recursive: true });
        fs.writeFileSync(
          path.join(dir, "plain", `Pulumi.${stack}.yaml`),
          stringify({ config: withSecrets(stack).config }),
        );
      }
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("preview, report (every format), policy-config, diff and audit print no ciphertext or secret", async () => {
      const outDir = path.join(dir, "out");
      const commands: string[][] = [
        ["preview", "--dir", dir, "--out-dir", outDir, "--today", "2026-11-21"],
        ["preview", "--dir", dir, "--out-dir", outDir, "--today", "2026-11-21", "--format", "json"],
        ...REPORT_FORMATS.map((f) => [
          "report",
          "--dir",
          dir,
          "--stack",
          "production",
          "--format",
          f,
          "--today",
          "2026-11-21",
        ]),
        // Every stack in one document: each stack's secrets redacted in the other's company too.
        ["report", "--dir", dir, "--format", "json", "--today", "2026-11-21"],
        [
          "report",
          "--dir",
          dir,
          "--format",
          "sarif",
          "--out-dir",
          path.join(dir, "reports"),
          "--today",
          "2026-11-21",
        ],
        ["policy-config", "--dir", dir, "--stack", "production"],
        ["diff", path.join(outDir, "plan.staging.json"), path.join(outDir, "plan.production.json")],
        [
          "audit",
          "--from-export",
          path.join(outDir, "plan.production.json"),
          "--dir",
          dir,
          "--format",
          "json",
        ],
      ];
      const secretsAndCiphers = [...values, ...ciphertexts];
      for (const [i, args] of commands.entries()) {
        const { code, out } = await run(args, dir, i === 0);
        assert.ok(code === 0 || code === 1, `${args.join(" ")} exited ${code}: ${out.slice(0, 400)}`);
        if (!args.includes("--out-dir") || args[0] === "preview")
          assert.ok(out.trim().length > 0, `${args.join(" ")} printed nothing`);
        assertNoSecret(out, secretsAndCiphers, `cicd ${args.slice(0, 2).join(" ")} output`);
        assert.ok(
          !ciphertexts.some((c) => out.includes(c.slice(5, 25))),
          `cicd ${args[0]} printed ciphertext`,
        );
      }
      for (const f of [
        ...fs.readdirSync(outDir).map((f) => path.join(outDir, f)),
        ...fs.readdirSync(path.join(dir, "reports")).map((f) => path.join(dir, "reports", f)),
      ]) {
        const text = fs.readFileSync(f, "utf8");
        assert.ok(
          !ciphertexts.some((c) => text.includes(c.slice(5, 25))),
          `${path.basename(f)} holds ciphertext`,
        );
      }
    });

    it("plain-text secrets in a stack file: exit 2 naming every key, never a value", async () => {
      const { code, out } = await run(
        ["preview", "--dir", path.join(dir, "plain"), "--out-dir", path.join(dir, "plain-out")],
        dir,
        true,
      );
      assert.equal(code, 2, out);
      assert.match(out, /cicd-constitution:secrets\.erp-berhan\.JWT_SECRET/);
      assert.match(out, /cicd-constitution:ghcrToken/);
      assertNoSecret(out, values, "preview of plain-text secrets");
      assert.ok(!fs.existsSync(path.join(dir, "plain-out")), "no plan file is written");
    });
  });
});
