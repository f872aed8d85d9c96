/**
 * Reading what the user names on the command line. Every failure becomes a
 * `UsageError` that names the file (and the line, where one applies) and
 * says what to do, so the CLI can print it and exit 2; nothing here lets a
 * raw `ENOENT` or `SyntaxError` escape.
 */
import { closeSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { UsageError } from "../errors.js";
import { findJsonError } from "./json-error.js";

/** The file name diagnostics use for standard input. */
export const STDIN_NAME = "<stdin>";

/** How many leading bytes are searched for a NUL to call a file binary (as git does). */
const BINARY_SNIFF_BYTES = 8000;

/** Reads all of standard input as bytes. */
export async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/** A `UsageError` for a failed read of `file` (`what` says which file it is, e.g. "catalog"). */
export function readError(file: string, what: string, err: unknown): UsageError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return new UsageError(`${what} not found`, file, undefined, "check the path");
  if (code === "EISDIR") {
    return new UsageError(`the ${what} is a directory, not a file`, file, undefined, "name a file inside it");
  }
  if (code === "EACCES" || code === "EPERM") return new UsageError(`cannot read the ${what}: permission denied`, file);
  return new UsageError(`cannot read the ${what}: ${err instanceof Error ? err.message : String(err)}`, file);
}

/** Throws a `UsageError` unless `file` exists and is a regular file (or a character device such as /dev/stdin). */
export function assertReadableFile(file: string, what: string): void {
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    throw readError(file, what, err);
  }
  if (st.isDirectory()) throw readError(file, what, Object.assign(new Error("directory"), { code: "EISDIR" }));
}

/** Reads a file the user named as bytes. */
export function readBytes(file: string, what: string): Uint8Array {
  assertReadableFile(file, what);
  try {
    return readFileSync(file);
  } catch (err) {
    throw readError(file, what, err);
  }
}

/** Reads a composition (`-` for standard input) as bytes; `file` is the name to report. */
export async function readSourceBytes(path: string): Promise<{ readonly file: string; readonly bytes: Uint8Array }> {
  if (path === "-") return { file: STDIN_NAME, bytes: await readStdin() };
  return { file: path, bytes: readBytes(path, "composition") };
}

/**
 * Throws a `UsageError` when `bytes` look like a binary file (a NUL byte in
 * the first 8000 bytes, git's test), naming the line of the NUL byte.
 */
export function assertText(file: string, bytes: Uint8Array, what: string): void {
  const n = Math.min(bytes.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < n; i++) {
    if (bytes[i] === 0) {
      let line = 1;
      for (let j = 0; j < i; j++) if (bytes[j] === 10) line++;
      throw new UsageError(
        `this looks like a binary file (it has a NUL byte), not a ${what}`,
        file,
        line,
        `pass a UTF-8 text ${what} file`,
      );
    }
  }
}

/** The 1-based line and column of a 0-based offset in `text`. */
export function lineColumnAt(text: string, offset: number): { readonly line: number; readonly column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * Parses a JSON file the user named (an input, a result). A syntax error is
 * a `UsageError` with the line where it was found.
 */
export function readJsonFile(file: string, what: string): unknown {
  const bytes = readBytes(file, what);
  assertText(file, bytes, what);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`the ${what} is not valid UTF-8`, file, undefined, "save it as UTF-8 JSON");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const found = findJsonError(text);
    const line = found === undefined ? undefined : lineColumnAt(text, found.offset).line;
    const reason = found?.reason ?? (err instanceof Error ? err.message : String(err));
    throw new UsageError(`the ${what} is not valid JSON: ${reason}`, file, line, "fix the JSON syntax");
  }
}

/** Throws a `UsageError` unless `file` could be created: its folder exists and it is not a directory. */
export function assertWritable(file: string, what: string): void {
  let reason: string | undefined;
  try {
    if (!statSync(dirname(file)).isDirectory()) reason = "its folder is not a directory";
    else if (statSync(file, { throwIfNoEntry: false })?.isDirectory() === true) reason = "it is a directory";
  } catch {
    reason = "its folder does not exist";
  }
  if (reason !== undefined)
    throw new UsageError(`cannot write the ${what}: ${reason}`, file, undefined, "check the path");
}

/** A line-by-line writer to a file (JSON Lines traces), opened eagerly so a bad path fails before anything runs. */
export class LineWriter {
  private readonly fd: number;
  constructor(
    readonly file: string,
    what: string,
  ) {
    try {
      this.fd = openSync(file, "w");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException | undefined)?.code;
      const reason =
        code === "ENOENT" ? "its folder does not exist" : code === "EISDIR" ? "it is a directory" : String(code ?? err);
      throw new UsageError(`cannot write the ${what}: ${reason}`, file, undefined, "check the path");
    }
  }

  /** Appends one line. */
  write(line: string): void {
    writeSync(this.fd, line + "\n");
  }

  close(): void {
    closeSync(this.fd);
  }
}
