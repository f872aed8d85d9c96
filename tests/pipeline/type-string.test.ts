import { describe, expect, it } from "vitest";
import { formatType, parseTypeString, TypeStringError } from "../../src/pipeline/type-string.js";

describe("parseTypeString", () => {
  const ok: [string, string][] = [
    ["string", "string"],
    ["string[]", "string[]"],
    ["readonly number[]", "number[]"],
    ["Array<boolean>", "boolean[]"],
    ["Record<string, string[]>", "Record<string, string[]>"],
    ["Promise<string | null>", "string | null"],
    ['"a" | "b" | 3 | true', '"a" | "b" | 3 | true'],
    ["(string | number)[]", "(string | number)[]"],
    ["{ to: string; cc?: string[] }", "{ to: string; cc?: string[] }"],
    ["unknown", "any"],
    ["Booking[]", "Booking[]"],
  ];
  const named = new Map([["Booking", { kind: "record" as const, name: "Booking", fields: {} }]]);
  it.each(ok)("%s", (text, shown) => {
    expect(formatType(parseTypeString(text, { named }))).toBe(shown);
  });

  const bad: [string, string][] = [
    ["string[", "expected `]` in type `string[` (column 8)"],
    ["Record<number, string>", "a `Record` key type must be `string` in type `Record<number, string>` (column 8)"],
    ["Foo", "unknown type `Foo` in type `Foo` (column 1)"],
    ["string string", "unexpected text after the type in type `string string` (column 8)"],
    ["readonly string", "`readonly` applies only to array types in type `readonly string` (column 1)"],
    ["", "unexpected end in type `` (column 1)"],
  ];
  it.each(bad)("rejects %j", (text, message) => {
    let err: unknown;
    try {
      parseTypeString(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TypeStringError);
    expect((err as Error).message).toBe(message);
  });
});
