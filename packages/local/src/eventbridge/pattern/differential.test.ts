import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { compileEventPattern } from "./index.ts";
import { type Json, referenceMatches } from "./testdata/reference.ts";

// Random patterns and events, compared against the naive reference matcher in testdata/reference.ts.
// Operators are limited to those the reference implements; values come from small pools so that
// prefixes, suffixes, case variants, equal numbers and range bounds actually collide.

const KEYS = ["a", "b", "c"] as const;
const key = fc.constantFrom(...KEYS);
const text = fc.constantFrom("", "a", "A", "b", "ab", "aB", "Ab", "ba", "abc");
// Halves stay exact in the matcher's six-decimal comparable form; ±5e9 are the range's edges and
// ±6e9 lie outside it (events only: patterns may not use them in numeric operators).
const inRange = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: -8, max: 8 }).map((n) => n / 2) },
  { weight: 1, arbitrary: fc.constantFrom(5e9, -5e9) },
);
const anyNumber = fc.oneof(
  { weight: 9, arbitrary: inRange },
  { weight: 1, arbitrary: fc.constantFrom(6e9, -6e9) },
);
const scalar = fc.oneof(text, anyNumber, fc.boolean(), fc.constant(null));

const numericRule = fc.oneof(
  fc.tuple(fc.constantFrom("=", "<", "<=", ">", ">="), inRange).map(([op, n]) => [op, n]),
  fc
    .tuple(fc.constantFrom(">", ">="), inRange, fc.constantFrom("<", "<="), inRange)
    .filter(([, low, , high]) => low < high)
    .map(([op1, low, op2, high]) => [op1, low, op2, high]),
);

const rule: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: scalar },
  { weight: 2, arbitrary: text.map((s) => ({ prefix: s })) },
  { weight: 2, arbitrary: text.map((s) => ({ suffix: s })) },
  { weight: 2, arbitrary: text.map((s) => ({ "equals-ignore-case": s })) },
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        text,
        inRange,
        fc.array(text, { minLength: 1, maxLength: 3 }),
        fc.array(inRange, { minLength: 1, maxLength: 3 }),
      )
      .map((v) => ({ "anything-but": v })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom("prefix", "suffix"),
        fc.array(
          text.filter((s) => s !== ""),
          { minLength: 1, maxLength: 3 },
        ),
      )
      .map(
        ([op, list]): Json => ({ "anything-but": { [op]: list.length === 1 ? (list[0] as string) : list } }),
      ),
  },
  { weight: 2, arbitrary: numericRule.map((spec) => ({ numeric: spec })) },
  { weight: 3, arbitrary: fc.boolean().map((b) => ({ exists: b })) },
);

const leaf = fc.array(rule, { minLength: 1, maxLength: 4 });

function patternObject(depth: number): fc.Arbitrary<Record<string, Json>> {
  const value: fc.Arbitrary<Json> =
    depth > 0 ? fc.oneof({ weight: 3, arbitrary: leaf }, patternObject(depth - 1)) : leaf;
  const fields = fc
    .array(fc.tuple(key, value), { minLength: 1, maxLength: 2 })
    .map((entries) => Object.fromEntries(entries));
  if (depth === 0) return fields;
  const or = fc.array(patternObject(depth - 1), { minLength: 2, maxLength: 3 });
  return fc
    .tuple(fields, fc.option(or, { freq: 2 }))
    .map(([f, alternatives]) => (alternatives === null ? f : { ...f, $or: alternatives }));
}

function eventValue(depth: number): fc.Arbitrary<Json> {
  if (depth === 0) return scalar;
  const inner = eventValue(depth - 1);
  return fc.oneof(
    { weight: 4, arbitrary: scalar },
    { weight: 2, arbitrary: fc.array(inner, { maxLength: 3 }) },
    { weight: 3, arbitrary: record(inner) },
  );
}

/** An object over the pattern keys, usually missing one of them (absent fields matter too). */
function record(value: fc.Arbitrary<Json>): fc.Arbitrary<Record<string, Json>> {
  return fc
    .tuple(fc.tuple(value, value, value), fc.subarray([...KEYS], { maxLength: 2 }))
    .map(([values, absent]) =>
      Object.fromEntries(
        KEYS.map((k, i) => [k, values[i] ?? null]).filter(([k]) => !absent.includes(k as never)),
      ),
    );
}

const event = record(eventValue(3));

test("the compiled matcher agrees with the naive reference on random patterns and events", () => {
  const outcomes = { matched: 0, unmatched: 0 };
  fc.assert(
    fc.property(patternObject(2), fc.array(event, { minLength: 1, maxLength: 6 }), (pattern, events) => {
      const compiled = compileEventPattern(pattern);
      for (const e of events) {
        const expected = referenceMatches(pattern, e);
        assert.equal(compiled.matches(e), expected, JSON.stringify({ pattern, event: e }));
        outcomes[expected ? "matched" : "unmatched"]++;
      }
    }),
    { numRuns: 2000 },
  );
  // Guards the generators: a comparison where (almost) nothing matches would prove little.
  assert.ok(outcomes.matched > 300 && outcomes.unmatched > 300, JSON.stringify(outcomes));
});
