/**
 * The code-review catalog: list the files a pull request changes, review each
 * one, summarize the reviews and post one comment. Reviewing a file is the
 * expensive model call (`@cost 5`), so the policy caps the total cost. The
 * handlers are deterministic stand-ins for the forge and the model (no
 * network, no clock, no randomness): the pull requests are a fixed table and
 * the review applies a few fixed checks to each patch.
 */

/** One file a pull request changes. */
export interface ChangedFile {
  path: string;
  additions: number;
  deletions: number;
  patch: string;
}

/** A reviewer's verdict on one file. */
export interface Review {
  path: string;
  verdict: "approve" | "request-changes";
  findings: string[];
}

/** Where the comment was posted. */
export interface CommentRef {
  url: string;
}

const PULLS: Record<number, ChangedFile[]> = {
  482: [
    {
      path: "src/billing/invoice.ts",
      additions: 24,
      deletions: 3,
      patch: "+ const total = items.reduce((s, i) => s + i.price, 0);\n+ console.log(total);\n+ // TODO: rounding",
    },
    {
      path: "src/billing/tax.ts",
      additions: 8,
      deletions: 8,
      patch: "+ export const VAT = 0.19;\n+ export function vat(net: number) { return net * VAT; }",
    },
    {
      path: "README.md",
      additions: 2,
      deletions: 0,
      patch: "+ ## Billing\n+ Invoices are totalled in cents.",
    },
  ],
};

/** List the files a pull request changes.
 *  @maxItems 8 */
export async function list_changed_files(pr: number): Promise<ChangedFile[]> {
  return (PULLS[pr] ?? []).slice(0, 8).map((f) => ({ ...f }));
}

/** Review one changed file: correctness, leftovers, tests.
 *  @cost 5 */
export async function review_file(file: ChangedFile): Promise<Review> {
  const findings: string[] = [];
  if (file.patch.includes("console.log")) findings.push("remove the debug `console.log`");
  if (file.patch.includes("TODO")) findings.push("resolve the TODO before merging");
  if (file.path.startsWith("src/") && file.additions > 20) findings.push("add a test for the new code path");
  return { path: file.path, verdict: findings.length > 0 ? "request-changes" : "approve", findings };
}

/** Write one review comment from the per-file reviews.
 *  @cost 2 */
export async function summarize(reviews: Review[]): Promise<string> {
  const blocking = reviews.filter((r) => r.verdict === "request-changes");
  const head =
    blocking.length === 0 ? "Looks good to me." : `Changes requested in ${blocking.length} of ${reviews.length} files.`;
  const lines = blocking.flatMap((r) => r.findings.map((f) => `- ${r.path}: ${f}`));
  return [head, ...lines].join("\n");
}

/** Post a comment on the pull request.
 *  @effect comment */
export async function post_comment(pr: number, body: string): Promise<CommentRef> {
  return { url: `https://forge.example/acme/shop/pull/${pr}#comment-${body.length}` };
}

/** The pull request to review. */
export declare const pr: number;
