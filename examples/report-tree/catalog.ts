/**
 * The report catalog: research a question, write a section from the notes,
 * combine the sections into a report with a recommendation, publish it. A
 * tree-shaped composition gives every partial solution exactly one consumer,
 * so each can be judged in the one place it is used. The handlers are
 * deterministic stand-ins for the model and the wiki (no network, no clock,
 * no randomness): the findings come from a fixed table.
 */

/** What research found on one question. */
export interface Notes {
  question: string;
  findings: string[];
  stance: "for" | "against" | "neutral";
}

/** One section of the report. */
export interface Section {
  title: string;
  text: string;
  stance: "for" | "against" | "neutral";
}

/** The assembled report. */
export interface Report {
  title: string;
  sections: Section[];
  recommendation: string;
}

/** Where the report was published. */
export interface Published {
  url: string;
  title: string;
}

/** Findings by keyword of the question. */
const FINDINGS: [string, string[], "for" | "against" | "neutral"][] = [
  ["buy", ["Mid-size clinics spend 6 hours a week on scheduling.", "Two incumbents, both priced per seat."], "for"],
  ["fail", ["Patient-data rules differ per state.", "Clinics switch software rarely, about every 7 years."], "against"],
  ["cost", ["A pilot team of 4 for 9 months.", "Hosting is small next to sales and compliance."], "neutral"],
];

/** Research one question about a topic.
 *  @cost 3 */
export async function research(topic: string, question: string): Promise<Notes> {
  const q = question.toLowerCase();
  const hit = FINDINGS.find(([key]) => q.includes(key));
  return hit === undefined
    ? { question, findings: [`Nothing is known yet about ${topic}.`], stance: "neutral" }
    : { question, findings: [...hit[1]], stance: hit[2] };
}

/** Write one section of a report from research notes.
 *  @cost 2 */
export async function write_section(title: string, notes: Notes): Promise<Section> {
  return { title, text: notes.findings.join(" "), stance: notes.stance };
}

/** Combine sections into a report and recommend what to do, weighing every section.
 *  @cost 2 */
export async function combine(topic: string, sections: Section[]): Promise<Report> {
  const score = sections.reduce((s, x) => s + (x.stance === "for" ? 1 : x.stance === "against" ? -1 : 0), 0);
  const recommendation =
    score > 0
      ? `Go ahead with ${topic}.`
      : score < 0
        ? `Do not pursue ${topic}.`
        : `Run a small pilot of ${topic} before deciding.`;
  return { title: `${topic}: a first assessment`, sections, recommendation };
}

/** Publish a report on the team wiki.
 *  @effect publish */
export async function publish_report(report: Report): Promise<Published> {
  const slug = report.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  return { url: `https://wiki.example/reports/${slug}`, title: report.title };
}

/** What the report is about. */
export declare const topic: string;
