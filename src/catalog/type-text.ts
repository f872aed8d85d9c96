/** How a catalog type is shown in messages: as a catalog author would write it. */
import type { Type } from "./types.js";

/** The type as a catalog author would write it (`string[]`, `Record<string, T>`, `Booking`). */
export function typeText(t: Type): string {
  switch (t.kind) {
    case "any":
      return "any";
    case "string":
    case "number":
    case "boolean":
    case "null":
      return t.kind;
    case "literal":
      return JSON.stringify(t.value);
    case "list": {
      const e = typeText(t.element);
      return t.element.kind === "union" ? `(${e})[]` : `${e}[]`;
    }
    case "dict":
      return `Record<string, ${typeText(t.value)}>`;
    case "record":
      return (
        t.name ??
        `{ ${Object.entries(t.fields)
          .map(([k, f]) => `${k}${f.optional ? "?" : ""}: ${typeText(f.type)}`)
          .join("; ")} }`
      );
    case "union":
      return t.types.map(typeText).join(" | ");
  }
}
