import { describe, expect, it } from "vitest";
import { editDistance, suggest } from "../src/util/suggest.js";

describe("suggest", () => {
  it("measures edits, counting a swap as one", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("maxLoopDepht", "maxLoopDepth")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });
  it("proposes the closest name within a third of its length", () => {
    expect(suggest("ask_prefernce", ["ask_preference", "book_table"])).toBe("ask_preference");
    expect(suggest("zzz", ["ask_preference", "book_table"])).toBeUndefined();
    expect(suggest("Users", ["users"])).toBe("users");
  });
});
