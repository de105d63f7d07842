// Mutated example configs, as a careless user or an attacker would write them: loading either succeeds
// or fails with a ConfigError listing `path: message` problems. Never another error (which the CLI
// would print with a stack trace, exit 1), never a hang.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fuzzParameters } from "@junction/testkit";
import fc from "fast-check";
import { ConfigError, formatProblem } from "../errors.ts";
import { loadConfig } from "./load.ts";

const examples = ["gaming", "mistersmith", "orders", "payments"].map((name) =>
  readFileSync(new URL(`../../../../examples/${name}/junction.yaml`, import.meta.url), "utf8"),
);

// Every `${NAME}` is set, so the mutations reach the checks after substitution.
const env = new Proxy({} as Record<string, string>, { get: () => "x" });

/** Fragments that broke YAML loading before, and others in their spirit. */
const nasty = [
  "*nope",
  "&a",
  "*a",
  "&a [*a]",
  "&x\n  y: *x",
  "[",
  "{",
  "]",
  "}",
  "? ",
  ": ",
  "- ",
  "!!binary",
  "!!js/function",
  "<<: *a",
  "${",
  "${NOPE}",
  "$${X}",
  "{$json.}",
  "{",
  "\t",
  "\u0000",
  "\ufeff",
  "1e999",
  "-1",
  ".nan",
  "~",
  '"',
  "'",
  "#",
  "|",
  ">-",
  "%YAML 1.1",
  "---",
  "...",
  `${"[".repeat(200)}1${"]".repeat(200)}`,
  `${"[".repeat(5000)}`,
  "a: &l [x, x, x, x, x, x, x, x, x, x]\nb: &m [*l, *l, *l, *l, *l, *l, *l, *l, *l, *l]\nc: [*m, *m, *m, *m, *m, *m, *m, *m, *m, *m, *m, *m]",
  "x".repeat(5000),
];

// Mutations are data, so a failing case prints as what was done to which line.
type Mutation =
  | { readonly op: "delete" | "duplicate" | "truncate"; readonly line: number }
  | { readonly op: "swap"; readonly line: number; readonly other: number }
  | {
      readonly op: "insert" | "replaceValue" | "addLine" | "append";
      readonly line: number;
      readonly col: number;
      readonly text: string;
    }
  | { readonly op: "indent"; readonly line: number; readonly shift: number }
  | { readonly op: "alias"; readonly line: number; readonly other: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom("delete", "duplicate", "truncate"), line: fc.nat() }),
  fc.record({ op: fc.constant("swap"), line: fc.nat(), other: fc.nat() }),
  fc.record({
    op: fc.constantFrom("insert", "replaceValue", "addLine"),
    line: fc.nat(),
    col: fc.nat(),
    text: fc.constantFrom(...nasty),
  }),
  fc.record({
    op: fc.constant("append"),
    line: fc.nat(),
    col: fc.constant(0),
    text: fc.string({ unit: "binary", maxLength: 20 }),
  }),
  fc.record({ op: fc.constant("indent"), line: fc.nat(), shift: fc.integer({ min: -4, max: 4 }) }),
  // An anchor on one line's value and an alias on another's: before it, after it, inside it.
  fc.record({ op: fc.constant("alias"), line: fc.nat(), other: fc.nat() }),
);

function mutate(lines: string[], m: Mutation): void {
  const i = lines.length === 0 ? 0 : m.line % lines.length;
  const line = lines[i] ?? "";
  switch (m.op) {
    case "delete":
      lines.splice(i, 1);
      break;
    case "duplicate":
      lines.splice(i, 0, line);
      break;
    case "truncate":
      lines.splice(i);
      break;
    case "swap": {
      const j = lines.length === 0 ? 0 : m.other % lines.length;
      [lines[i], lines[j]] = [lines[j] ?? "", line];
      break;
    }
    case "insert": {
      const c = line.length === 0 ? 0 : m.col % line.length;
      lines[i] = line.slice(0, c) + m.text + line.slice(c);
      break;
    }
    case "replaceValue":
      lines[i] = line.replace(/:\s.*$/, `: ${m.text}`);
      break;
    case "addLine":
      lines.splice(i, 0, m.text);
      break;
    case "append":
      lines[i] = line + m.text;
      break;
    case "alias": {
      const j = lines.length === 0 ? 0 : m.other % lines.length;
      lines[i] = line.replace(/:(\s|$)/, ": &a$1");
      lines[j] = (lines[j] ?? "").replace(/:\s.*$/, ": *a");
      break;
    }
    case "indent":
      lines[i] = m.shift > 0 ? " ".repeat(m.shift) + line : line.slice(-m.shift);
      break;
  }
}

describe("config under fuzzed YAML", () => {
  it("loads or reports problems as `path: message (line N)`, for every mutation", {
    timeout: 120_000,
  }, (t) => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.nat(examples.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (e, ops) => {
          const lines = (examples[e] ?? "").split("\n");
          for (const m of ops) mutate(lines, m);
          const text = lines.join("\n");
          try {
            loadConfig(text, { env });
            accepted++;
          } catch (err) {
            assert.ok(
              err instanceof ConfigError,
              `not a ConfigError: ${(err as Error)?.stack ?? err}\n---\n${text}`,
            );
            assert.ok(err.problems.length > 0);
            for (const problem of err.problems) {
              const line = formatProblem(problem);
              assert.ok(problem.message.length > 0 && !/\n\s+at /.test(line), line);
            }
            refused++;
          }
        },
      ),
      fuzzParameters(t, 300),
    );
    t.diagnostic(`accepted ${accepted}, refused ${refused}`);
    // The mutations reach both outcomes, so the run checks more than the parser's error path.
    assert.ok(accepted > 0 && refused > 0, `accepted ${accepted}, refused ${refused}`);
  });
});
