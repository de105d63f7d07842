// Traffic shifting of operations through the gateway: `canary` (a share of calls to the new handler,
// sticky per idempotency key) and `shadow` (every call to both, answered by the old one, compared).
// Old handler: the Node worker on hyperswitch.*; new: another on next.* (its own stream for durable calls).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "@junction/bridge";
import { waitFor } from "@junction/testkit";
import { createConnector } from "./src/connector.ts";
import {
  authorizeBody,
  type PaymentsStack,
  type RunningWorker,
  startPaymentsStack,
} from "./testdata/stack.ts";

const NEXT = { prefix: "next", stream: "NEXT", durable: "next-payments-authorize" } as const;

function shiftConfig(authorizeShift: string, syncShift: string) {
  return loadConfig(
    `
streams:
  - { name: PAYMENTS, subjects: ["hyperswitch.payments.*.authorize"] }
  - { name: NEXT, subjects: ["next.payments.*.authorize"] }
operations:
  - name: payments.authorize
    subject: "hyperswitch.payments.{merchantId}.authorize"
    kind: durable
    stream: PAYMENTS
    timeoutMs: 5000
    ${authorizeShift}
  - name: payments.sync
    subject: "hyperswitch.payments.{merchantId}.sync"
    kind: query
    timeoutMs: 2000
    ${syncShift}
gateway: { listen: "127.0.0.1:0" }
`,
    { env: {} },
  ).config;
}

/** The value of one series in the gateway's /metrics, 0 when absent. */
async function metric(stack: PaymentsStack, name: string, labels: Record<string, string>): Promise<number> {
  const text = String((await stack.get("/metrics")).body);
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line === undefined ? 0 : Number(line.split(" ").at(-1));
}

describe("canary: a share of calls goes to the new handler, the same share every time", {
  timeout: 60_000,
}, () => {
  let stack: PaymentsStack;
  let old: RunningWorker;
  let next: RunningWorker;
  const route = "/v1/payments/:merchantId/authorize";
  before(async () => {
    stack = await startPaymentsStack(
      shiftConfig('canary: { subject: "next.payments.{merchantId}.authorize", percent: 30 }', ""),
    );
    old = await stack.worker();
    next = await stack.worker(NEXT);
  });
  after(() => stack?.dispose());

  it("30% of 300 keys run on the new handler; retries of each key go where their first attempt went", async () => {
    const send = (i: number) =>
      stack.post("/v1/payments/m1/authorize", authorizeBody(`pay_${i}`), {
        "idempotency-key": `canary-${i}`,
      });
    const first = await Promise.all(Array.from({ length: 300 }, (_, i) => send(i)));
    assert.deepEqual(new Set(first.map((r) => r.status)), new Set([200]));
    const toNew = next.connector.runs.authorize;
    assert.equal(old.connector.runs.authorize + toNew, 300, "each ran once, on one side");
    assert.ok(toNew >= 60 && toNew <= 120, `about 30% went to the new handler: ${toNew}`);
    assert.equal(await metric(stack, "junction_gateway_canary_total", { route, target: "new" }), toNew);
    assert.equal(await metric(stack, "junction_gateway_canary_total", { route, target: "old" }), 300 - toNew);

    const again = await Promise.all(Array.from({ length: 300 }, (_, i) => send(i)));
    assert.deepEqual(
      again.map((r) => r.body.authorizationId),
      first.map((r) => r.body.authorizationId),
    );
    assert.equal(await metric(stack, "junction_gateway_canary_total", { route, target: "new" }), 2 * toNew);
    assert.equal(old.connector.runs.authorize + next.connector.runs.authorize, 300, "retries ran nothing");
  });
});

describe("shadow: both handlers get every call, the old one answers, differences are counted", {
  timeout: 60_000,
}, () => {
  let stack: PaymentsStack;
  let old: RunningWorker;
  let next: RunningWorker;
  const sync = "/v1/payments/:merchantId/sync";
  const count = (route: string, result: string) =>
    metric(stack, "junction_gateway_shadow_total", { route, result });
  before(async () => {
    stack = await startPaymentsStack(
      shiftConfig(
        'shadow: { subject: "next.payments.{merchantId}.authorize", ignore: [authorizationId] }',
        'shadow: { subject: "next.payments.{merchantId}.sync", ignore: [authorizationId] }',
      ),
    );
    old = await stack.worker();
    // The new version has a bug: it reports the status in capitals.
    const buggy = createConnector();
    next = await stack.worker({
      ...NEXT,
      connector: {
        ...buggy,
        runs: buggy.runs,
        sync: (m, r) => ({ ...buggy.sync(m, r), status: "AUTHORIZED" as "authorized" }),
      },
    });
  });
  after(() => stack?.dispose());

  it("durable calls run on both (the shadow under its own key) and match but for the ignored field", async () => {
    const res = await stack.post("/v1/payments/m1/authorize", authorizeBody("pay_s1"), {
      "idempotency-key": "s1",
    });
    assert.equal(res.status, 200);
    const declined = authorizeBody("pay_s2", { card: { number: "4000000000000002" } });
    assert.equal(
      (await stack.post("/v1/payments/m1/authorize", declined, { "idempotency-key": "s2" })).status,
      402,
    );
    const route = "/v1/payments/:merchantId/authorize";
    await waitFor(
      "both compared",
      async () => (await count(route, "match")) === 2 || `${await count(route, "match")}`,
    );
    assert.equal(old.connector.runs.authorize, 2);
    assert.equal(next.connector.runs.authorize, 2);
    assert.equal(
      (await stack.client.jetstream().outcome("next.payments.m1.authorize", "shadow-s1"))?.ok,
      true,
      "the shadow's own outcome",
    );
  });

  it("a different answer is a mismatch; the caller still gets the old handler's", async () => {
    const res = await stack.post("/v1/payments/m1/sync", { paymentId: "pay_s1" });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, "authorized");
    assert.equal((await stack.post("/v1/payments/m1/sync", { paymentId: "pay_none" })).status, 404);
    await waitFor(
      "compared",
      async () => ((await count(sync, "mismatch")) === 1 && (await count(sync, "match")) === 1) || "not yet",
    );
  });

  it("a new handler that does not answer is an error, invisible to the caller", async () => {
    await next.stop();
    const res = await stack.post("/v1/payments/m1/sync", { paymentId: "pay_s1" });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, "authorized");
    await waitFor("counted", async () => (await count(sync, "error")) === 1 || "not yet");
  });
});
