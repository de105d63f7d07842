// Fuzzed subjects, patterns and tokens from outside: each is accepted or refused with its typed error,
// a token from outside is always exactly one valid token, and a lookup never throws.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fuzzParameters } from "@junction/testkit";
import fc from "fast-check";
import { InvalidPatternError, InvalidSubjectError } from "./errors.ts";
import { parsePattern, validateSubject } from "./parse.ts";
import { createSubjectRouter } from "./router.ts";
import { outsideToken } from "./token.ts";

const text = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."ab.*>{}_ $\t1"), maxLength: 16 }),
  fc.string({ unit: "grapheme", maxLength: 8 }),
  fc.string({ unit: "binary", maxLength: 8 }),
);

/** Runs `f`; a throw must be an instance of `type`. */
function typed(f: () => void, type: new (...args: never[]) => Error, input: string): boolean {
  try {
    f();
    return true;
  } catch (err) {
    assert.ok(err instanceof type, `${JSON.stringify(input)}: ${(err as Error)?.stack ?? err}`);
    return false;
  }
}

describe("subjects under fuzzed input", () => {
  const router = createSubjectRouter(
    ["a.{x}", "a.b", "a.>", "{p}.b.{q>}", "*.*"].map((pattern, i) => ({ name: `r${i}`, pattern, value: i })),
  );

  it("parses or refuses patterns and subjects with their typed errors; lookups never throw", (t) => {
    fc.assert(
      fc.property(text, (s) => {
        typed(() => parsePattern(s), InvalidPatternError, s);
        typed(() => validateSubject(s), InvalidSubjectError, s);
        router.lookup(s); // subjects come from NATS, so a lookup only promises not to throw
      }),
      fuzzParameters(t, 3000),
    );
  });

  it("makes a token from outside exactly one valid token, or refuses it", (t) => {
    fc.assert(
      fc.property(text, (s) => {
        let token = "";
        if (!typed(() => (token = outsideToken(s)), InvalidSubjectError, s)) return;
        validateSubject(`x.${token}.y`);
        assert.equal(`x.${token}.y`.split(".").length, 3);
        assert.equal(token, token.normalize("NFC"));
      }),
      fuzzParameters(t, 3000),
    );
  });
});
