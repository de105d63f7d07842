import type { z } from "zod";
import type { PathSegment } from "../path.ts";

/** Turns a zod issue into a sentence a config author understands, at the most precise path. */
export function describeIssue(issue: z.core.$ZodIssue): { path: PathSegment[]; message: string } {
  const path = issue.path.filter((s): s is PathSegment => typeof s !== "symbol");
  switch (issue.code) {
    case "unrecognized_keys":
      // Point at the key itself (and its line) when there is only one.
      return issue.keys.length === 1
        ? { path: [...path, issue.keys[0] as string], message: "unknown key" }
        : { path, message: `unknown keys ${issue.keys.map((k) => `"${k}"`).join(", ")}` };
    case "invalid_type":
      if (issue.input === undefined) return { path, message: "is required" };
      return { path, message: `expected ${issue.expected}, got ${kindOf(issue.input)}` };
    case "invalid_union": {
      if ("note" in issue && issue.note === "No matching discriminator") {
        const { options, input, discriminator } = issue as unknown as {
          options: unknown[];
          input: unknown;
          discriminator: string;
        };
        const value = (input as Record<string, unknown> | undefined)?.[discriminator];
        const got = value === undefined ? "is required" : `unknown value ${JSON.stringify(value)}`;
        return { path, message: `${got}; expected one of: ${options.join(", ")}` };
      }
      const expected = issue.errors.flatMap((alt) => alt.map(expectation)).filter((e) => e !== "");
      return { path, message: `expected ${[...new Set(expected)].join(" or ")}, got ${kindOf(issue.input)}` };
    }
    case "invalid_value":
      return { path, message: `expected one of: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` };
    default:
      return { path, message: issue.message };
  }
}

function expectation(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") return issue.expected;
  if (issue.code === "invalid_value") return issue.values.map((v) => JSON.stringify(v)).join(" or ");
  if (issue.code === "invalid_format") return issue.format;
  return issue.message;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}
