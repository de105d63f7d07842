import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { JunctionError } from "../errors/index.ts";
import { InvalidPatternError, InvalidSubjectError } from "./errors.ts";
import { parsePattern, validateSubject } from "./parse.ts";

function patternError(pattern: string): InvalidPatternError {
  try {
    parsePattern(pattern);
  } catch (err) {
    assert.ok(err instanceof InvalidPatternError);
    return err;
  }
  assert.fail(`expected ${JSON.stringify(pattern)} to be rejected`);
}

function subjectError(subject: string): InvalidSubjectError {
  try {
    validateSubject(subject);
  } catch (err) {
    assert.ok(err instanceof InvalidSubjectError);
    return err;
  }
  assert.fail(`expected ${JSON.stringify(subject)} to be rejected`);
}

describe("validateSubject", () => {
  it("accepts concrete subjects", () => {
    for (const s of ["a", "agent.42.heartbeat", "a*b.c>d", "x.{y}", "ünïcödé.ok"]) validateSubject(s);
  });

  const cases: [string, string][] = [
    ["", 'invalid subject "": the subject is empty'],
    ["a..b", 'invalid subject "a..b": token 2 is empty'],
    [".a", 'invalid subject ".a": token 1 is empty'],
    ["a.", 'invalid subject "a.": token 2 is empty'],
    ["a b", 'invalid subject "a b": token 1 contains whitespace'],
    ["a.b\tc", 'invalid subject "a.b\\tc": token 2 contains whitespace'],
    ["a.*", 'invalid subject "a.*": token 2 is the wildcard "*", which only patterns may contain'],
    [">", 'invalid subject ">": token 1 is the wildcard ">", which only patterns may contain'],
  ];
  for (const [subject, message] of cases) {
    it(`rejects ${JSON.stringify(subject)}`, () => {
      const err = subjectError(subject);
      assert.equal(err.message, message);
      assert.equal(err.code, "ERR_INVALID_SUBJECT");
      assert.equal(err.subject, subject);
      assert.ok(message.endsWith(err.reason));
      assert.ok(err instanceof JunctionError);
      assert.equal(err.name, "InvalidSubjectError");
    });
  }
});

describe("parsePattern", () => {
  it("compiles literals, wildcards and captures", () => {
    const p = parsePattern("work.{domain}.*.{taskType>}");
    assert.deepEqual(p, {
      source: "work.{domain}.*.{taskType>}",
      tokens: [
        { kind: "literal", value: "work" },
        { kind: "one", capture: "domain" },
        { kind: "one" },
        { kind: "rest", capture: "taskType" },
      ],
      captures: ["domain", "taskType"],
      natsSubject: "work.*.*.>",
    });
    assert.ok(!("capture" in (p.tokens[2] ?? {})), "no capture key at all without a capture");
    assert.equal(parsePattern(">").natsSubject, ">");
    assert.equal(parsePattern("a*.b>").natsSubject, "a*.b>", "wildcards inside a token are literal");
  });

  const cases: [string, string][] = [
    ["", "the pattern is empty"],
    ["a..b", "token 2 is empty"],
    ["a.", "token 2 is empty"],
    ["a b.c", "token 1 contains whitespace"],
    ["a.{ id }", "token 2 contains whitespace"],
    ["a.>.b", '">" must be the last token (found at token 2 of 3)'],
    [">.>", '">" must be the last token (found at token 1 of 2)'],
    ["a.{rest>}.b", 'token 2 "{rest>}" captures the rest, so it must be the last token'],
    ["a.foo{bar}", 'token 2 "foo{bar}" contains a brace; a capture must be the whole token, like "{name}"'],
    ["a.{bar}x", 'token 2 "{bar}x" contains a brace; a capture must be the whole token, like "{name}"'],
    ["{", 'token 1 "{" contains a brace; a capture must be the whole token, like "{name}"'],
    ["a.}", 'token 2 "}" contains a brace; a capture must be the whole token, like "{name}"'],
    ["{a}{b}", 'token 1 "{a}{b}" is not a capture; write a whole token "{name}" or "{name>}"'],
    ["{a>b}", 'token 1 "{a>b}" is not a capture; write a whole token "{name}" or "{name>}"'],
    ["{}", 'token 1 "{}" has an empty capture name'],
    ["a.{>}", 'token 2 "{>}" has an empty capture name'],
    ["a.{1x}", 'token 2 has an invalid capture name "1x" (letters, digits and _, not starting with a digit)'],
    [
      "a.{x-y}",
      'token 2 has an invalid capture name "x-y" (letters, digits and _, not starting with a digit)',
    ],
    ["a.{__proto__}", 'token 2 uses the reserved capture name "__proto__"'],
    ["{id}.x.{id}", 'capture "id" appears twice (tokens 1 and 3)'],
    ["{id}.{id>}", 'capture "id" appears twice (tokens 1 and 2)'],
  ];
  for (const [pattern, reason] of cases) {
    it(`rejects ${JSON.stringify(pattern)}: ${reason}`, () => {
      const err = patternError(pattern);
      assert.equal(err.reason, reason);
      assert.equal(err.message, `invalid pattern ${JSON.stringify(pattern)}: ${reason}`);
      assert.equal(err.code, "ERR_INVALID_PATTERN");
      assert.equal(err.pattern, pattern);
      assert.ok(err instanceof JunctionError);
    });
  }
});
