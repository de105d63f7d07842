import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compileEventPattern, InvalidEventPatternError } from "./index.ts";
import { invalidCases, matchCases } from "./testdata/corpus.ts";

// Every expectation here comes from the AWS documentation or the aws/event-ruler README (see each
// case's `source`), never from running the matcher.

describe("documented event patterns", () => {
  test("the corpus is large enough and every case cites a source", () => {
    assert.ok(matchCases.length >= 80, `only ${matchCases.length} cases`);
    const names = new Set<string>();
    for (const c of [...matchCases, ...invalidCases]) {
      assert.ok(c.source.length > 0, c.name);
      assert.ok(!names.has(c.name), `duplicate case name: ${c.name}`);
      names.add(c.name);
    }
  });

  for (const c of matchCases) {
    test(`${c.matches ? "matches" : "does not match"}: ${c.name}`, () => {
      const compiled = compileEventPattern(c.pattern);
      assert.equal(compiled.matches(c.event), c.matches, `source: ${c.source}`);
      // The same pattern given as JSON text behaves the same.
      if (typeof c.pattern !== "string") {
        assert.equal(compileEventPattern(JSON.stringify(c.pattern)).matches(c.event), c.matches);
      }
    });
  }
});

describe("invalid event patterns", () => {
  for (const c of invalidCases) {
    test(`rejects: ${c.name}`, () => {
      assert.throws(
        () => compileEventPattern(c.pattern),
        (err: unknown) => {
          assert.ok(err instanceof InvalidEventPatternError, String(err));
          assert.equal(err.code, "ERR_INVALID_EVENT_PATTERN");
          assert.equal(err.awsCode, "InvalidEventPatternException");
          assert.ok(
            err.reason.includes(c.reason),
            `reason "${err.reason}" lacks "${c.reason}" (${c.source})`,
          );
          assert.match(err.message, /^Event pattern is not valid\. Reason: .+ at \$/);
          return true;
        },
      );
    });
  }

  test("the message says where the problem is", () => {
    assert.throws(() => compileEventPattern({ detail: { "x-limit": [{ numeric: [">", 0, "<", "5"] }] } }), {
      message:
        'Event pattern is not valid. Reason: Value of < must be numeric at $.detail["x-limit"][0].numeric[3]',
    });
    assert.throws(() => compileEventPattern({ source: "aws.ec2" }), {
      message: 'Event pattern is not valid. Reason: "source" must be an object or an array at $.source',
    });
  });
});
