/**
 * What the `cicd` command modules (src/cli/commands/) share: the exit-code holder, the lazy module loader, and the
 * parsers and options several commands take.
 */
import { InvalidArgumentError, Option } from "commander";
import { REPORT_FORMATS } from "../report/types";
import { parseDay } from "../../policy-pack/lib/waivers";
import { isStackName } from "../files";
import type { DiffFormat } from "../diff/render";
import type { SummaryFormat } from "./preview";
import type { ColorMode } from "../terminal";

/**
 * The formats of `preview --format` and `diff --format`: every {@link SummaryFormat} and {@link DiffFormat}, in the
 * order listed (tsc fails when one is missing or unknown), without loading ./preview (the Pulumi SDK) or the diff.
 */
export const SUMMARY_CHOICES = Object.keys({ table: true, json: true } satisfies Record<SummaryFormat, true>);
export const DIFF_CHOICES = Object.keys({ table: true, markdown: true, json: true } satisfies Record<
  DiffFormat,
  true
>);

/** A `--stack` value: a stack name ({@link isStackName}), or `all` where a command takes every stack. */
export function stackName(value: string): string {
  if (value !== "all" && !isStackName(value))
    throw new InvalidArgumentError(
      `expected a stack name (letters, digits, -, _ and .), found ${JSON.stringify(value)}`,
    );
  return value;
}

/** A `--today` value: a real calendar date (the one date parser of waivers, overrides and flags' removal dates). */
export function calendarDay(value: string): string {
  if (parseDay(value) === undefined)
    throw new InvalidArgumentError(
      `expected a real calendar date YYYY-MM-DD, found ${JSON.stringify(value)}`,
    );
  return value;
}

/** A `--max-wait` or `--poll` value: seconds, a number at least `min`. */
export function seconds(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < min)
      throw new InvalidArgumentError(`expected seconds, a number >= ${min}, found ${JSON.stringify(value)}`);
    return n;
  };
}

/** Where each action puts its command's exit code: 0 success, 1 a mandatory check failed, 2 bad input. */
export interface CommandResult {
  code: number;
}

/**
 * A loader of command modules, loaded when their command runs, so a command pays only for what it uses (`verify
 * --help` never loads the Pulumi SDK). Give it the calling module's `require`: ids are relative to that module.
 * `require` (what tsc emits for this CommonJS project) rather than `import()`, which under tsx (development, tests)
 * would take Node's ESM path, where tsx/cjs does not resolve TypeScript files.
 *
 * @param req the calling module's `require`.
 * @returns `load<T>(id)`: the module `id`, typed `T` (write `load<typeof import(id)>(id)`); throws what `require` does.
 */
export function loader(req: NodeJS.Require): <T>(id: string) => T {
  return <T>(id: string) => req(id) as T;
}

/** `--format`: a report format (REPORT_FORMATS), default `table`; every command that renders a report takes it. */
export function reportFormatOption(): Option {
  return new Option("--format <format>", "report format").choices([...REPORT_FORMATS]).default("table");
}

/** A comma-separated list of report formats (REPORT_FORMATS). @throws InvalidArgumentError naming the unknown one. */
export function reportFormatList(value: string): string[] {
  const formats = value.split(",").map((f) => f.trim());
  const unknown = formats.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (unknown.length)
    throw new InvalidArgumentError(
      `${unknown.join(", ")}: expected formats among ${REPORT_FORMATS.join(", ")}`,
    );
  return formats;
}

/** `--out FILE`: the report written to a file instead of stdout. */
export function reportOutOption(): Option {
  return new Option("--out <file>", "write the report to a file instead of stdout");
}

/** The values of `--color` ({@link ColorMode}), listed here so that `--help` loads no table code (tsc checks them). */
const COLOR_CHOICES = Object.keys({ auto: true, always: true, never: true } satisfies Record<
  ColorMode,
  true
>);

/**
 * `--color <when>`: `auto` (default: FORCE_COLOR, then NO_COLOR, then whether stdout is a terminal), `always`,
 * `never`; every command that prints a table for people takes it (src/terminal.ts `useColor`).
 */
export function colorOption(): Option {
  return new Option(
    "--color <when>",
    "when to colour: auto follows FORCE_COLOR, then NO_COLOR, then whether stdout is a terminal",
  )
    .choices(COLOR_CHOICES)
    .default("auto");
}
