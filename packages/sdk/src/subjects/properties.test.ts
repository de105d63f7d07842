// Property tests: the engine against naive references (regexes, brute-force enumeration) over a tiny
// alphabet, so that overlaps, collisions and backtracking come up constantly.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { InvalidPatternError, InvalidSubjectError, RouteConflictError } from "./errors.ts";
import { compareSpecificity, matchPattern, patternCovers, patternsOverlap } from "./match.ts";
import { parsePattern, validateSubject } from "./parse.ts";
import { createSubjectRouter } from "./router.ts";

type Spec = readonly ({ k: "lit"; v: string } | { k: "one" | "rest"; cap: string | undefined })[];

const LETTERS = ["a", "b"];
const SUBJECT_LETTERS = ["a", "b", "z"]; // `z` never appears in a pattern: only wildcards match it

const specArb: fc.Arbitrary<Spec> = fc.integer({ min: 1, max: 4 }).chain((n) =>
  fc.tuple(
    ...Array.from({ length: n }, (_, i) =>
      fc.oneof(
        fc.constantFrom(...LETTERS).map((v) => ({ k: "lit" as const, v })),
        fc.option(fc.constant(`c${i}`), { nil: undefined }).map((cap) => ({ k: "one" as const, cap })),
        ...(i === n - 1
          ? [fc.option(fc.constant("tail"), { nil: undefined }).map((cap) => ({ k: "rest" as const, cap }))]
          : []),
      ),
    ),
  ),
);

const subjectArb = fc
  .array(fc.constantFrom(...SUBJECT_LETTERS), { minLength: 1, maxLength: 5 })
  .map((t) => t.join("."));

const source = (spec: Spec) =>
  spec
    .map((t) =>
      t.k === "lit" ? t.v : t.k === "one" ? (t.cap ? `{${t.cap}}` : "*") : t.cap ? `{${t.cap}>}` : ">",
    )
    .join(".");
const shape = (spec: Spec) => spec.map((t) => (t.k === "lit" ? t.v : t.k === "one" ? "*" : ">")).join(".");
const rank = (spec: Spec) => spec.map((t) => (t.k === "lit" ? "2" : t.k === "one" ? "1" : "0")).join("");

function regexOf(spec: Spec): RegExp {
  const parts = spec.map((t) => {
    if (t.k === "lit") return t.v;
    const body = t.k === "one" ? "[^.]+" : "[^.]+(?:\\.[^.]+)*";
    return t.cap ? `(?<${t.cap}>${body})` : `(?:${body})`;
  });
  return new RegExp(`^${parts.join("\\.")}$`);
}

function refMatch(spec: Spec, subject: string): Record<string, string> | undefined {
  const m = regexOf(spec).exec(subject);
  return m ? { ...m.groups } : undefined;
}

const allSubjects: string[] = [];
for (let len = 1; len <= 5; len++) {
  const grow = (prefix: string[]): void => {
    if (prefix.length === len) allSubjects.push(prefix.join("."));
    else for (const l of SUBJECT_LETTERS) grow([...prefix, l]);
  };
  grow([]);
}

describe("subject engine properties", () => {
  it("router agrees with a naive most-specific scan (same winner, same captures)", () => {
    fc.assert(
      fc.property(
        fc.array(specArb, { minLength: 1, maxLength: 12 }),
        fc.array(subjectArb, { maxLength: 20 }),
        (raw, subjects) => {
          const seen = new Set<string>();
          const specs = raw.filter((s) => !seen.has(shape(s)) && seen.add(shape(s)));
          const router = createSubjectRouter(
            specs.map((s, i) => ({ name: `r${i}`, pattern: source(s), value: i })),
          );
          for (const subject of subjects) {
            let best: number | undefined;
            for (let i = 0; i < specs.length; i++) {
              const spec = specs[i] as Spec;
              if (!regexOf(spec).test(subject)) continue;
              if (best === undefined || rank(spec) > rank(specs[best] as Spec)) best = i;
            }
            const hit = router.lookup(subject);
            if (best === undefined) {
              assert.equal(hit, undefined, subject);
            } else {
              assert.equal(hit?.name, `r${best}`, subject);
              assert.equal(hit?.value, best);
              assert.deepEqual(hit?.captures, refMatch(specs[best] as Spec, subject));
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("router rejects any set with two equal shapes, naming the first pair", () => {
    fc.assert(
      fc.property(fc.array(specArb, { minLength: 1, maxLength: 12 }), (specs) => {
        const first = new Map<string, number>();
        let expected: [string, string] | undefined;
        for (let i = 0; i < specs.length && !expected; i++) {
          const key = shape(specs[i] as Spec);
          const j = first.get(key);
          if (j === undefined) first.set(key, i);
          else expected = [`r${j}`, `r${i}`];
        }
        const build = () =>
          createSubjectRouter(specs.map((s, i) => ({ name: `r${i}`, pattern: source(s), value: i })));
        if (!expected) return void build();
        assert.throws(
          build,
          (err: unknown) => err instanceof RouteConflictError && err.routes.join() === expected.join(),
        );
      }),
    );
  });

  it("matchPattern agrees with a regex", () => {
    fc.assert(
      fc.property(specArb, subjectArb, (spec, subject) => {
        assert.deepEqual(matchPattern(parsePattern(source(spec)), subject), refMatch(spec, subject));
      }),
      { numRuns: 1000 },
    );
  });

  it("compareSpecificity agrees with comparing rank strings", () => {
    fc.assert(
      fc.property(specArb, specArb, (a, b) => {
        const ra = rank(a);
        const rb = rank(b);
        const got = Math.sign(compareSpecificity(parsePattern(source(a)), parsePattern(source(b))));
        assert.equal(got, ra === rb ? 0 : ra > rb ? 1 : -1);
      }),
      { numRuns: 1000 },
    );
  });

  it("patternCovers and patternsOverlap agree with brute-force enumeration", () => {
    fc.assert(
      fc.property(specArb, specArb, (a, b) => {
        const ra = regexOf(a);
        const rb = regexOf(b);
        const inA = allSubjects.filter((s) => ra.test(s));
        const covers = inA.every((s) => rb.test(s));
        const overlap = inA.some((s) => rb.test(s));
        const pa = parsePattern(source(a));
        const pb = parsePattern(source(b));
        assert.equal(patternCovers(pb, pa), covers, `${source(b)} covers ${source(a)}`);
        assert.equal(patternsOverlap(pa, pb), overlap, `${source(a)} overlaps ${source(b)}`);
      }),
      { numRuns: 1000 },
    );
  });

  it("arbitrary strings either parse or fail with the typed errors; lookup never throws", () => {
    const noisy = fc.string({
      unit: fc.constantFrom("a", ".", "*", ">", "{", "}", " ", "x", "_", "1"),
      maxLength: 12,
    });
    const router = createSubjectRouter([
      { name: "all", pattern: ">", value: 0 },
      { name: "x", pattern: "{x}.*", value: 1 },
    ]);
    fc.assert(
      fc.property(noisy, (text) => {
        try {
          const p = parsePattern(text);
          assert.equal(parsePattern(p.natsSubject).natsSubject, p.natsSubject);
        } catch (err) {
          assert.ok(err instanceof InvalidPatternError, String(err));
        }
        let valid = true;
        try {
          validateSubject(text);
        } catch (err) {
          assert.ok(err instanceof InvalidSubjectError, String(err));
          valid = false;
        }
        // Lookup skips the whitespace check (NATS never delivers such subjects) but never matches an
        // empty or wildcard token.
        const hit = router.lookup(text);
        const concrete = text.split(".").every((t) => t !== "" && t !== "*" && t !== ">");
        assert.equal(hit !== undefined, concrete, text);
        if (valid) assert.ok(hit, text);
      }),
      { numRuns: 2000 },
    );
  });
});
