/**
 * The files the commands read and write, bounded: a stack's file is named by a stack name, never a path; an input is a regular file of at most {@link MAX_INPUT_BYTES}
 * (a device such as `/dev/zero` or a FIFO would be read for ever); an output is written inside the directory it
 * names, never through a symbolic link (`O_NOFOLLOW`: a link planted where a report goes cannot redirect the write
 * to a file elsewhere).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { redactCredentials } from "./redact";

/**
 * Whether `name` is a Pulumi stack name (letters, digits, `-`, `_`, `.`; Pulumi docs "Stacks"), never a path: a
 * command reads and writes `Pulumi.<stack>.yaml` of its project directory and nothing outside it.
 */
export function isStackName(name: string): boolean {
  return /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/.test(name) && !name.includes("..");
}

/** The largest input a command reads, bytes (256 MiB: a large stack export is a few MiB). */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/**
 * Reads a regular file as UTF-8.
 *
 * @throws Error naming the file when it is missing, not a regular file, or larger than `maxBytes`.
 */
export function readInputFile(file: string, maxBytes = MAX_INPUT_BYTES): string {
  const stat = fs.statSync(file);
  if (!stat.isFile()) throw new Error(`${file} is not a regular file`);
  if (stat.size > maxBytes)
    throw new Error(`${file} is ${stat.size} bytes, more than the ${maxBytes} read at most`);
  const fd = fs.openSync(file, fs.constants.O_RDONLY);
  try {
    // Read at most maxBytes + 1 whatever the size said: a file can grow between stat and read.
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
    if (read > maxBytes) throw new Error(`${file} grew past the ${maxBytes} bytes read at most`);
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes `text` to `file` without following a symbolic link at `file` (O_NOFOLLOW), replacing a regular file;
 * credentials in it are masked (src/redact.ts).
 *
 * @throws Error (ELOOP) when `file` is a symbolic link.
 */
export function writeOutputFile(file: string, text: string): void {
  const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;
  let fd: number;
  try {
    fd = fs.openSync(file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOOP")
      throw new Error(`${file} is a symbolic link: not written through it`);
    throw err;
  }
  try {
    fs.writeFileSync(fd, redactCredentials(text));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes `name` (a file name, no directory part) inside `dir`, never through a symbolic link.
 *
 * @throws Error when `name` is not a plain file name, or the target is a symbolic link.
 */
export function writeInDirectory(dir: string, name: string, text: string): string {
  if (name !== path.basename(name) || name === "." || name === "..")
    throw new Error(`${JSON.stringify(name)} is not a file name inside ${dir}`);
  const file = path.join(dir, name);
  writeOutputFile(file, text);
  return file;
}
