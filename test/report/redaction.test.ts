/**
 * A secret is redacted before a report is encoded (src/offline/recorder.ts `redactDeep`): every format escapes
 * text its own way (JSON `\"`, XML `&quot;` and `&lt;`, Markdown `\|` and entities), and a redaction of the encoded
 * text alone would miss a secret so escaped.
 */
import * as assert from "node:assert/strict";
import { redactDeep, redactSecrets } from "../../src/offline/recorder";
import { renderReport } from "../../src/report/render";
import { REPORT_FORMATS, type AuditReport } from "../../src/report/types";
import { realReports } from "./real-results";
import { previewStacks } from "../../src/offline/stacks";
import { ROOT } from "../helpers";

/** A secret every encoding changes: a quote, a pipe, markup and an ampersand. */
const SECRET = 'pa"ss|<w>&rd`_*[x]-@me';

describe("redaction before encoding", function () {
  it("no format shows the secret, raw or escaped, when its evidence holds it", async function () {
    const R = await realReports();
    const report: AuditReport = {
      ...R.broken,
      results: R.broken.results.map((x) =>
        x.status === "fail" ? { ...x, message: `token ${SECRET} leaked` } : x,
      ),
    };
    const escapedForms = [
      SECRET,
      JSON.stringify(SECRET).slice(1, -1),
      "ss\\|",
      "&lt;w&gt;",
      "&quot;",
      'pa\\"ss',
    ];
    for (const format of REPORT_FORMATS) {
      const text = redactSecrets(renderReport(redactDeep(report, [SECRET]), format), [SECRET]);
      for (const form of escapedForms) assert.ok(!text.includes(form), `${format} shows ${form}`);
      assert.ok(/\\?\[secret\\?\]/.test(text) || format === "table", `${format} marks the redaction`);
      // Redacting the encoded text alone misses the escaped forms.
      if (format === "json")
        assert.ok(
          redactSecrets(renderReport(report, format), [SECRET]).includes(JSON.stringify(SECRET).slice(1, -1)),
        );
    }
  });
});

describe("--previous-outputs: only the program's own outputs reach the plan", function () {
  it("a key the program does not export (a secret output printed with --show-secrets) is left out", async function () {
    const [staging] = await previewStacks(ROOT, ["staging"], undefined, {
      staging: { databasePassword: "hunter2-from-show-secrets", apps: {} },
    });
    const ref = staging.plan.resources.find((r) => r.type === "pulumi:pulumi:StackReference")!;
    assert.deepEqual(Object.keys(ref.inputs.outputs as object), ["apps"]);
    assert.ok(!JSON.stringify(staging.plan).includes("hunter2-from-show-secrets"));
  });
});
