import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidPatternError, RouteConflictError } from "./errors.ts";
import { parsePattern } from "./parse.ts";
import { createSubjectRouter } from "./router.ts";

function router(patterns: Record<string, string>) {
  return createSubjectRouter(
    Object.entries(patterns).map(([name, pattern]) => ({ name, pattern, value: name })),
  );
}

describe("createSubjectRouter", () => {
  it("returns the route, value, pattern and captures", () => {
    const r = router({ hb: "agent.{agentId}.heartbeat", work: "work.{domain}.{priority}.{taskType>}" });
    assert.equal(r.size, 2);
    const hit = r.lookup("work.nlp.high.summarize.long");
    assert.equal(hit?.name, "work");
    assert.equal(hit?.value, "work");
    assert.equal(hit?.pattern.source, "work.{domain}.{priority}.{taskType>}");
    assert.deepEqual(hit?.captures, { domain: "nlp", priority: "high", taskType: "summarize.long" });
    assert.deepEqual(r.lookup("agent.7.heartbeat")?.captures, { agentId: "7" });
    assert.equal(r.lookup("agent.7.status"), undefined);
    assert.equal(r.lookup("work.nlp.high"), undefined);
  });

  it("accepts compiled patterns", () => {
    const r = createSubjectRouter([{ name: "x", pattern: parsePattern("a.{b}"), value: 1 }]);
    assert.deepEqual(r.lookup("a.z")?.captures, { b: "z" });
  });

  it("picks the most specific route", () => {
    const r = router({
      action: "agent.{id}.{action}",
      heartbeat: "agent.{id}.heartbeat",
      any: "agent.>",
      star: "a.*",
      gt: "a.>",
      bgt: "a.b.>",
      starc: "a.*.c",
      everything: ">",
    });
    assert.equal(r.lookup("agent.1.heartbeat")?.name, "heartbeat");
    assert.equal(r.lookup("agent.1.status")?.name, "action");
    assert.equal(r.lookup("agent.1.status.x")?.name, "any");
    assert.equal(r.lookup("a.x")?.name, "star");
    assert.equal(r.lookup("a.x.y")?.name, "gt");
    assert.equal(r.lookup("a.b.c")?.name, "bgt", "token 2: literal b beats *");
    assert.equal(r.lookup("a.x.c")?.name, "starc");
    assert.equal(r.lookup("zzz")?.name, "everything");
  });

  it("backtracks from a literal branch that dead-ends", () => {
    const r = router({ lit: "a.b.c", wild: "a.*.d" });
    assert.equal(r.lookup("a.b.d")?.name, "wild");
    assert.equal(r.lookup("a.b.c")?.name, "lit");
    assert.equal(r.lookup("a.b.e"), undefined);
  });

  it("never matches or throws on invalid subjects", () => {
    const r = router({ all: ">", one: "*" });
    for (const s of ["", ".", "a..b", "a.", ".a", "*", "a.>"]) assert.equal(r.lookup(s), undefined, s);
  });

  it("rejects equal-specificity overlaps, naming both routes", () => {
    assert.throws(
      () => router({ first: "agent.{id}.heartbeat", second: "agent.*.heartbeat" }),
      (err: unknown) => {
        assert.ok(err instanceof RouteConflictError);
        assert.equal(err.code, "ERR_ROUTE_CONFLICT");
        assert.deepEqual(err.routes, ["first", "second"]);
        assert.equal(err.pattern, "agent.*.heartbeat");
        assert.match(
          err.message,
          /"first" \("agent\.\{id\}\.heartbeat"\) and "second" \("agent\.\*\.heartbeat"\)/,
        );
        return true;
      },
    );
    assert.throws(() => router({ x: "a.>", y: "a.{rest>}" }), RouteConflictError);
    assert.throws(() => router({ x: "a.b", y: "a.b" }), RouteConflictError);
  });

  it("with onConflict, leaves each conflicting route out and keeps building", () => {
    const conflicts: string[] = [];
    const r = createSubjectRouter(
      [
        { name: "a", pattern: "x.{id}", value: 1 },
        { name: "b", pattern: "x.*", value: 2 },
        { name: "c", pattern: "y.>", value: 3 },
        { name: "d", pattern: "x.{other}", value: 4 },
        { name: "e", pattern: "y.{rest>}", value: 5 },
      ],
      {
        onConflict: ({ error, existing, added }) => {
          assert.ok(error instanceof RouteConflictError);
          conflicts.push(`${existing}<${added}`);
        },
      },
    );
    assert.deepEqual(conflicts, ["1<2", "1<4", "3<5"]);
    assert.equal(r.size, 2);
    assert.equal(r.lookup("x.q")?.name, "a");
    assert.equal(r.lookup("y.q.r")?.name, "c");
  });

  it("allows overlaps of different specificity and same shape without overlap", () => {
    assert.equal(router({ x: "a.*.c", y: "a.b.*", z: "b.*.c", w: "a.*" }).size, 4);
  });

  it("propagates invalid patterns", () => {
    assert.throws(() => router({ bad: "a..b" }), InvalidPatternError);
  });

  it("returns fresh captures per lookup", () => {
    const r = router({ x: "a.{b}" });
    const first = r.lookup("a.1");
    assert.ok(first);
    first.captures.b = "mutated";
    assert.deepEqual(r.lookup("a.1")?.captures, { b: "1" });
  });
});
