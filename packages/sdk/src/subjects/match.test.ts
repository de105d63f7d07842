import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareSpecificity, matchPattern, patternCovers, patternsOverlap } from "./match.ts";
import { parsePattern } from "./parse.ts";

const p = parsePattern;

describe("matchPattern", () => {
  it("matches literals and wildcards with captures", () => {
    assert.deepEqual(matchPattern(p("agent.{id}.heartbeat"), "agent.42.heartbeat"), { id: "42" });
    assert.deepEqual(matchPattern(p("agent.*.heartbeat"), "agent.42.heartbeat"), {});
    assert.equal(matchPattern(p("agent.{id}.heartbeat"), "agent.42.status"), undefined);
    assert.equal(matchPattern(p("agent.{id}"), "agent.42.heartbeat"), undefined);
    assert.equal(matchPattern(p("agent.{id}.x"), "agent.42"), undefined);
  });

  it("captures the rest joined with dots", () => {
    const work = p("work.{domain}.{priority}.{taskType>}");
    assert.deepEqual(matchPattern(work, "work.nlp.high.summarize"), {
      domain: "nlp",
      priority: "high",
      taskType: "summarize",
    });
    assert.deepEqual(matchPattern(work, "work.nlp.high.summarize.long.v2")?.taskType, "summarize.long.v2");
    assert.equal(matchPattern(work, "work.nlp.high"), undefined, "> needs at least one token");
    assert.deepEqual(matchPattern(p("{all>}"), "a.b.c"), { all: "a.b.c" });
    assert.deepEqual(matchPattern(p("a.>"), "a.b.c"), {});
  });

  it("never matches invalid subjects", () => {
    for (const s of ["", "a..b", "a.", "a.*", "a.>"]) assert.equal(matchPattern(p("a.>"), s), undefined, s);
    assert.equal(matchPattern(p("*"), ""), undefined);
  });
});

describe("compareSpecificity", () => {
  const more = (a: string, b: string) => {
    assert.ok(compareSpecificity(p(a), p(b)) > 0, `${a} > ${b}`);
    assert.ok(compareSpecificity(p(b), p(a)) < 0, `${b} < ${a}`);
  };
  it("ranks literal > * > > left to right", () => {
    more("agent.{id}.heartbeat", "agent.{id}.{action}");
    more("a.*", "a.>");
    more("a.b.>", "a.*.c");
    more("a.b", "a.*");
    more("a.*.*", "*.b.c");
  });
  it("ignores literal values and capture names", () => {
    assert.equal(compareSpecificity(p("a.{x}.>"), p("b.*.{rest>}")), 0);
  });
});

describe("patternCovers / patternsOverlap", () => {
  const covers: [string, string, boolean][] = [
    ["agent.>", "agent.{id}.heartbeat", true],
    ["agent.>", "agent.>", true],
    ["agent.>", "agent", false],
    [">", "a", true],
    ["agent.*", "agent.{id}", true],
    ["agent.*", "agent.>", false],
    ["agent.*.x", "agent.*.*", false],
    ["agent.a", "agent.*", false],
    ["work.>", "agent.>", false],
    ["a.*.>", "a.b.>", true],
  ];
  for (const [filter, pattern, expected] of covers) {
    it(`${filter} ${expected ? "covers" : "does not cover"} ${pattern}`, () => {
      assert.equal(patternCovers(p(filter), p(pattern)), expected);
    });
  }

  const overlaps: [string, string, boolean][] = [
    ["agent.>", "agent.*", true],
    ["agent.>", "work.>", false],
    ["a.*", "*.b", true],
    ["a.b", "a.c", false],
    ["a", "a.>", false],
    [">", "x.y.z", true],
    ["a.*.c", "a.b.*", true],
    ["a.*", "a.*.*", false],
  ];
  for (const [a, b, expected] of overlaps) {
    it(`${a} ${expected ? "overlaps" : "does not overlap"} ${b}`, () => {
      assert.equal(patternsOverlap(p(a), p(b)), expected);
      assert.equal(patternsOverlap(p(b), p(a)), expected);
    });
  }
});
