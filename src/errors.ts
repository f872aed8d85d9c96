/**
 * Errors in what a user handed us (a catalog, a policy, an input file, a
 * command line) are `UsageError`s: the CLI prints them with the file and
 * line and exits 2. Anything else that escapes is a bug.
 */
export class UsageError extends Error {
  override readonly name: string = "UsageError";
  constructor(
    message: string,
    /** The file at fault, when there is one. */
    readonly file?: string,
    /** 1-based line in that file, when known. */
    readonly line?: number,
    /** What to do about it. */
    readonly help?: string,
  ) {
    super(message);
  }

  /** `file:line: message` as the CLI prints it. */
  format(): string {
    const where =
      this.file === undefined ? "" : this.line === undefined ? `${this.file}: ` : `${this.file}:${this.line}: `;
    return `${where}${this.message}${this.help === undefined ? "" : `\n  help: ${this.help}`}`;
  }
}
