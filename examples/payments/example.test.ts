// The README's walk-through end to end: `junction up` on a copy of junction.yaml (random ports, a
// shorter authorize timeout), the Node worker as its own process, curl's requests, the worker stopped
// and started again, and `junction trace` of the stored command.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type JunctionUp, spawnJunction, startJunctionUp } from "@junction/testkit";
import { parseDocument } from "yaml";
import { EXAMPLE_CONFIG, setOperationTimeout } from "./testdata/stack.ts";
import { startWorkerProcess, type WorkerProcess } from "./testdata/workers.ts";

describe("payments example end to end (junction up + the Node worker)", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "junction-payments-"));
  let up: JunctionUp<{ nats: string; gateway: string }>;
  let worker: WorkerProcess;
  let gateway: string;
  let nats: string;
  const authorize = async (key: string, body: Record<string, unknown>) => {
    const res = await fetch(`${gateway}/v1/payments/m_42/authorize`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    return {
      status: res.status,
      correlationId: res.headers.get("x-correlation-id") ?? "",
      body: (await res.json()) as Record<string, unknown>,
    };
  };
  const card = (n: string, paymentId: string, amount = 1250) => ({
    paymentId,
    amount,
    currency: "EUR",
    card: { number: n },
  });

  before(async () => {
    const doc = parseDocument(readFileSync(EXAMPLE_CONFIG, "utf8"));
    doc.setIn(["local"], doc.createNode({ natsPort: 0, awsPort: 0 }));
    doc.setIn(["ops"], doc.createNode({ listen: "127.0.0.1:0" }));
    doc.setIn(["gateway", "listen"], "127.0.0.1:0");
    setOperationTimeout(doc, "payments.authorize", 1500);
    up = await startJunctionUp<{ nats: string; gateway: string }>(doc.toString(), {
      dir,
      ready: /ready in \d+ ms/,
    });
    assert.match(up.output(), /starting the gateway \(0 routes, 35 operations\)/);
    gateway = up.endpoints.gateway;
    nats = up.endpoints.nats;
    worker = await startWorkerProcess("node", { NATS_URL: nats });
  });
  after(async () => {
    await worker?.stop();
    await up?.stop("SIGTERM");
  });

  it("authorizes, answers a duplicate with the same outcome (another body: 422), and refuses a declined card with a stored 402", async () => {
    const first = await authorize("ord-1001", card("4242424242424242", "pay_1001"));
    assert.equal(first.status, 200);
    assert.equal(first.body.status, "authorized");
    const again = await authorize("ord-1001", card("4242424242424242", "pay_1001"));
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body);
    const reused = await authorize("ord-1001", card("4242424242424242", "pay_1001", 9900));
    assert.equal(reused.status, 422);
    assert.equal(reused.body.code, "ERR_IDEMPOTENCY_KEY_REUSED");
    const declined = await authorize("ord-1002", card("4000000000000002", "pay_1002", 990));
    assert.equal(declined.status, 402);
    assert.equal(declined.body.detail, "card_declined: the card was declined");
  });

  it("a command sent while the worker is down is stored, run when it is back, and found by junction trace", async () => {
    await worker.stop();
    const waiting = await authorize("ord-1004", card("5555555555554444", "pay_1004", 4200));
    assert.equal(waiting.status, 504);
    worker = await startWorkerProcess("node", { NATS_URL: nats });
    let outcome = await authorize("ord-1004", card("5555555555554444", "pay_1004", 4200));
    for (let i = 0; i < 20 && outcome.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      outcome = await authorize("ord-1004", card("5555555555554444", "pay_1004", 4200));
    }
    assert.equal(outcome.status, 200);
    assert.equal(outcome.body.last4, "4444");

    const trace = spawnJunction(["trace", waiting.correlationId, "--json"], {
      cwd: dir,
      env: { NATS_URL: "" },
    });
    assert.equal(await trace.exited, 0, trace.output());
    const flow = JSON.parse(trace.output().trim().split("\n").at(-1) ?? "{}");
    assert.equal(flow.count, 1);
    assert.deepEqual(
      [flow.roots[0].subject, flow.roots[0].kind, flow.roots[0].id, flow.roots[0].stream],
      [
        "hyperswitch.payments.m_42.authorize",
        "command",
        `dr:${createHash("sha256").update("hyperswitch.payments.m_42.authorize\nord-1004").digest("hex")}`,
        "PAYMENTS",
      ],
    );
  });
});
