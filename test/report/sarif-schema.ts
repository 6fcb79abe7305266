/** The SARIF 2.1.0 JSON schema validator the report tests share. */
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";

// The SARIF 2.1.0 JSON schema (rtm.5, JSON Schema draft-04) as Microsoft's SARIF tooling ships it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SARIF_SCHEMA = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json") as object;

/** A compiled validator of the SARIF 2.1.0 schema (every error collected, in `validate.errors`). */
export function sarifValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(SARIF_SCHEMA);
}
