import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createSubjectRouter } from "@junction/sdk";
import { benchRoutes, type RoutesBenchResult } from "./routes.ts";
import { regexBaseline, routesWorkload } from "./routes-workload.ts";

describe("routes bench", () => {
  it("generates a deterministic workload of distinct shapes", () => {
    const a = routesWorkload(300);
    const b = routesWorkload(300);
    assert.equal(a.routes.length, 300);
    assert.equal(new Set(a.routes.map((r) => r.pattern.natsSubject)).size, 300);
    assert.deepEqual(
      a.routes.map((r) => r.pattern.source),
      b.routes.map((r) => r.pattern.source),
    );
    assert.deepEqual(a.subjects, b.subjects);
    assert.equal(a.subjects.length & (a.subjects.length - 1), 0, "power of two");
    for (const r of a.routes) assert.ok(r.pattern.tokens.length >= 3 && r.pattern.tokens.length <= 5);
  });

  it("the regex baseline gives the trie's answers, and most subjects match", () => {
    const { routes, subjects } = routesWorkload(200);
    const router = createSubjectRouter(routes.map((r) => ({ name: r.name, pattern: r.pattern, value: r })));
    const baseline = regexBaseline(routes);
    let hits = 0;
    for (const subject of subjects) {
      const a = router.lookup(subject);
      const b = baseline(subject);
      assert.equal(a?.name, b?.name, subject);
      assert.deepEqual(a?.captures, b?.captures, subject);
      if (a) hits++;
    }
    assert.ok(hits > subjects.length * 0.8 && hits < subjects.length, `${hits} of ${subjects.length} match`);
  });

  it("reports one result per size with medians and ratio", async () => {
    const progress: RoutesBenchResult[] = [];
    const results = await benchRoutes({
      sizes: [10, 50],
      durationMs: 5,
      onProgress: (r) => progress.push(r),
    });
    assert.deepEqual(progress, results);
    assert.deepEqual(
      results.map((r) => r.routes),
      [10, 50],
    );
    for (const r of results) {
      assert.ok(r.junction > 0 && r.baseline > 0);
      assert.equal(r.ratio, r.junction / r.baseline);
    }
  });
});
