import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Counter, Registry } from "prom-client";
import { startOpsServer } from "./server.ts";

describe("ops server", () => {
  it("serves metrics, liveness and readiness", async (t) => {
    const registry = new Registry();
    new Counter({ name: "junction_test_total", help: "a test counter", registers: [registry] }).inc(3);
    let ready = false;
    const ops = await startOpsServer({ listen: "127.0.0.1:0", registry, ready: () => ready });
    t.after(() => ops.close());

    const metrics = await fetch(`${ops.url}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /^junction_test_total 3$/m);
    assert.equal((await fetch(`${ops.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${ops.url}/readyz`)).status, 503);
    ready = true;
    assert.equal((await fetch(`${ops.url}/readyz`)).status, 200);
    assert.equal((await fetch(`${ops.url}/nope`)).status, 404);
    assert.equal((await fetch(`${ops.url}/metrics`, { method: "POST" })).status, 405);
  });

  it("serves /status as JSON when given, and 404 without it", async (t) => {
    const registry = new Registry();
    const withStatus = await startOpsServer({
      listen: "127.0.0.1:0",
      registry,
      ready: () => true,
      status: async () => ({ routes: [{ name: "orders", deadLetters: 2 }] }),
    });
    const without = await startOpsServer({ listen: "127.0.0.1:0", registry, ready: () => true });
    t.after(() => Promise.all([withStatus.close(), without.close()]));
    const res = await fetch(`${withStatus.url}/status`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json");
    assert.deepEqual(await res.json(), { routes: [{ name: "orders", deadLetters: 2 }] });
    assert.equal((await fetch(`${without.url}/status`)).status, 404);
  });
});
