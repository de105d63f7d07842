// The payment connector's scenarios, each for real: HTTP over loopback → the gateway serving the
// example's catalogue → a testkit nats-server (JetStream) → the Node worker, and back.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createReplay } from "@junction/sdk/replay";
import { waitFor } from "@junction/testkit";
import {
  authorizeBody,
  exampleConfig,
  newKey,
  type PaymentsStack,
  type RunningWorker,
  setOperationTimeout,
  startPaymentsStack,
} from "./testdata/stack.ts";

const AUTHORIZE = "/v1/payments/m1/authorize";
const SYNC = "/v1/payments/m1/sync";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("payment connector scenarios (gateway → NATS → Node worker)", { timeout: 120_000 }, () => {
  let stack: PaymentsStack;
  let worker: RunningWorker;
  const authorize = (key: string, body: unknown) => stack.post(AUTHORIZE, body, { "idempotency-key": key });

  before(async () => {
    // Short authorize deadline so timeouts are quick; quick retries so a transient failure ends soon.
    stack = await startPaymentsStack(
      exampleConfig((doc) => setOperationTimeout(doc, "payments.authorize", 1000)),
    );
    worker = await stack.worker({ maxDeliver: 2, backoff: [100] });
  });
  after(() => stack?.dispose());

  it("happy path: authorize, then sync reads the payment; bad input is a 400 before NATS", async () => {
    const res = await authorize(newKey(), authorizeBody("pay_happy"));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    assert.ok(res.headers.get("x-correlation-id"));
    assert.deepEqual(
      { ...res.body, authorizationId: "…" },
      {
        paymentId: "pay_happy",
        merchantId: "m1",
        status: "authorized",
        amount: 1250,
        currency: "EUR",
        last4: "4242",
        authorizationId: "…",
      },
    );
    const synced = await stack.post(SYNC, { paymentId: "pay_happy" });
    assert.equal(synced.status, 200);
    assert.deepEqual(synced.body, res.body);
    assert.equal((await stack.post(SYNC, { paymentId: "pay_nope" })).status, 404);

    const noKey = await stack.post(AUTHORIZE, authorizeBody("pay_nokey"));
    assert.equal(noKey.status, 400);
    assert.equal(noKey.body.code, "ERR_GATEWAY_BAD_REQUEST");
    assert.deepEqual(noKey.body.errors[0].name, "Idempotency-Key");
    const invalid = await authorize(newKey(), authorizeBody("pay_bad", { amount: -1, currency: "euro" }));
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.type, "https://junction.dev/problems/validation");
    assert.equal(invalid.body.errors.length, 2);
    assert.equal(worker.connector.runs.authorize, 1, "only the valid request reached the worker");
  });

  it("duplicate request: the same key gets the same outcome and runs once; a new key is a new attempt", async () => {
    const key = newKey();
    const runs = worker.connector.runs.authorize;
    const first = await authorize(key, authorizeBody("pay_dup"));
    const second = await authorize(key, authorizeBody("pay_dup"));
    assert.equal(first.status, 200);
    assert.deepEqual(second.body, first.body);
    assert.equal(worker.connector.runs.authorize, runs + 1);
    // Another key for the same payment runs again, and the connector says it is a conflict.
    const other = await authorize(newKey(), authorizeBody("pay_dup"));
    assert.equal(other.status, 409);
    assert.equal(other.body.detail, "payment pay_dup is already authorized");
  });

  it("idempotency under concurrent identical requests: one run, one outcome for all", async () => {
    const key = newKey();
    const runs = worker.connector.runs.authorize;
    const body = authorizeBody("pay_concurrent", { test: { delayMs: 300 } });
    const answers = await Promise.all(Array.from({ length: 20 }, () => authorize(key, body)));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    assert.equal(new Set(answers.map((a) => a.body.authorizationId)).size, 1);
    assert.equal(worker.connector.runs.authorize, runs + 1);
  });

  it("one key, two merchants: two independent authorizations", async () => {
    const key = newKey();
    const runs = worker.connector.runs.authorize;
    const body = authorizeBody("pay_tenants");
    const m1 = await authorize(key, body);
    const m2 = await stack.post("/v1/payments/m2/authorize", body, { "idempotency-key": key });
    assert.equal(m1.status, 200, JSON.stringify(m1.body));
    assert.equal(m2.status, 200, JSON.stringify(m2.body));
    assert.deepEqual([m1.body.merchantId, m2.body.merchantId], ["m1", "m2"]);
    assert.notEqual(m1.body.authorizationId, m2.body.authorizationId);
    assert.equal(worker.connector.runs.authorize, runs + 2);
  });

  it("one key on authorize, then on capture: both run", async (t) => {
    const captured: string[] = [];
    const capture = await stack.client.jetstream().durableResponder<{ paymentId: string }>(
      "PAYMENTS",
      "payments-capture",
      (job) => {
        captured.push(job.data.paymentId);
        return { paymentId: job.data.paymentId, status: "captured" };
      },
      { filterSubject: "hyperswitch.payments.*.capture" },
    );
    t.after(() => capture.stop());
    const key = newKey();
    const authorized = await authorize(key, authorizeBody("pay_then_capture"));
    assert.equal(authorized.status, 200);
    const res = await stack.post(
      "/v1/payments/m1/capture",
      { paymentId: "pay_then_capture" },
      { "idempotency-key": key },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { paymentId: "pay_then_capture", status: "captured" });
    assert.deepEqual(captured, ["pay_then_capture"]);
  });

  it("one key, another body: 422 naming the key; the first outcome stays and nothing runs", async () => {
    const key = newKey();
    const runs = worker.connector.runs.authorize;
    const first = await authorize(key, authorizeBody("pay_reuse"));
    assert.equal(first.status, 200);
    const other = await authorize(key, authorizeBody("pay_reuse", { amount: 9999 }));
    assert.equal(other.status, 422, JSON.stringify(other.body));
    assert.equal(other.body.type, "https://junction.dev/problems/idempotency-key-reused");
    assert.equal(other.body.code, "ERR_IDEMPOTENCY_KEY_REUSED");
    assert.match(other.body.detail, new RegExp(`Idempotency-Key "${key}" was already used`));
    assert.deepEqual((await authorize(key, authorizeBody("pay_reuse"))).body, first.body);
    assert.equal(worker.connector.runs.authorize, runs + 1);
  });

  it("worker timeout: 504 within the operation's timeout; the same key later reads the outcome, run once", async () => {
    const key = newKey();
    const runs = worker.connector.runs.authorize;
    const started = Date.now();
    const slow = await authorize(key, authorizeBody("pay_slow", { test: { delayMs: 1800 } }));
    assert.equal(slow.status, 504);
    assert.ok(Date.now() - started < 1800, "answered at the operation's 1 s timeout, not the worker's pace");
    assert.match(slow.body.detail, /keeps running: send the same Idempotency-Key again/);
    await sleep(1200);
    const later = await authorize(key, authorizeBody("pay_slow", { test: { delayMs: 1800 } }));
    assert.equal(later.status, 200);
    assert.equal(later.body.paymentId, "pay_slow");
    assert.equal(worker.connector.runs.authorize, runs + 1);
  });

  it("worker error: a decline is a stored 402; a connector that keeps failing ends as a stored 500", async () => {
    const key = newKey();
    const runs = worker.connector.runs.authorize;
    const card = authorizeBody("pay_declined", { card: { number: "4000000000000002" } });
    const declined = await authorize(key, card);
    assert.equal(declined.status, 402);
    assert.equal(declined.body.type, "https://junction.dev/problems/service-error");
    assert.equal(declined.body.detail, "card_declined: the card was declined");
    assert.equal((await authorize(key, card)).status, 402, "the outcome is final");
    assert.equal(worker.connector.runs.authorize, runs + 1);

    // Transient: retried (maxDeliver 2), dead-lettered, and its caller told 500 rather than left waiting.
    const failing = await authorize(
      newKey(),
      authorizeBody("pay_network", { card: { number: "4000000000000119" } }),
    );
    assert.equal(failing.status, 500);
    assert.match(failing.body.detail, /processing_error/);
    assert.equal(worker.connector.runs.authorize, runs + 3);
  });

  it("circuit breaker: after 5 consecutive 5xx answers the gateway stops calling, then closes again", async () => {
    const runs = worker.connector.runs.sync;
    const fail = () => stack.post("/v1/payments/m-cb/sync", { paymentId: "p", test: { fail: true } });
    for (let i = 0; i < 5; i++) assert.equal((await fail()).status, 503);
    const open = await fail();
    assert.equal(open.status, 503);
    assert.equal(open.body.code, "ERR_CIRCUIT_OPEN");
    assert.ok(Number(open.headers.get("retry-after")) >= 1);
    assert.equal(worker.connector.runs.sync, runs + 5, "the open circuit did not call the worker");
    await sleep(5100); // the SDK's breaker half-opens after 5 s
    const trial = await stack.post("/v1/payments/m-cb/sync", { paymentId: "p" });
    assert.equal(trial.status, 404, "a trial call went through (and a 4xx counts as healthy)");
    assert.equal((await stack.post("/v1/payments/m-cb/sync", { paymentId: "p" })).status, 404);
  });

  it("replay from JetStream: commands sent while no worker runs wait in the stream; replaying a flow runs nothing twice", async () => {
    await worker.stop();
    const key = newKey();
    const waiting = await authorize(key, authorizeBody("pay_replay"));
    assert.equal(waiting.status, 504, "stored, nobody to run it yet");
    const correlationId = waiting.headers.get("x-correlation-id") ?? "";

    worker = await stack.worker({ maxDeliver: 2, backoff: [100] });
    await waitFor("the stored command ran", async () => worker.connector.runs.authorize === 1 || "not yet");
    const outcome = await authorize(key, authorizeBody("pay_replay"));
    assert.equal(outcome.status, 200);
    assert.equal(outcome.body.paymentId, "pay_replay");

    // The flow as JetStream kept it: the authorize command, derived from the HTTP request.
    const replay = createReplay({ stream: "PAYMENTS" }, { client: stack.client });
    const flow = await replay.flow(correlationId);
    assert.deepEqual(
      flow.messages.map((m) => m.subject),
      ["hyperswitch.payments.m1.authorize"],
    );
    // Republished onto the operation's subject, the copy carries the key: the worker answers from the
    // stored outcome and the connector does not run again.
    await replay.byCorrelation(correlationId, { subject: (m) => m.subject });
    const jsm = await stack.client.jetstream().manager();
    await waitFor("the replayed copy was handled", async () => {
      const info = await jsm.consumers.info("PAYMENTS", "payments-authorize");
      const last = (await jsm.streams.info("PAYMENTS")).state.last_seq;
      return (
        (info.ack_floor.stream_seq === last && info.num_pending === 0) ||
        `ack floor ${info.ack_floor.stream_seq}/${last}`
      );
    });
    assert.equal(worker.connector.runs.authorize, 1);
  });

  it("NATS dropped and restored: 5xx while it is gone, then everything works again with its data", async () => {
    const key = newKey();
    const before = await authorize(key, authorizeBody("pay_restart"));
    assert.equal(before.status, 200);
    await stack.nats.stop();
    const during = await authorize(newKey(), authorizeBody("pay_outage"));
    assert.ok([503, 504].includes(during.status), `during the outage: ${during.status}`);
    await stack.nats.restart();
    await waitFor(
      "the gateway is ready again",
      async () => (await stack.get("/readyz")).status === 200 || "503",
    );
    await waitFor("the worker is back", async () => {
      const res = await stack.post(SYNC, { paymentId: "pay_restart" });
      return res.status === 200 || `sync: ${res.status}`;
    });
    const again = await authorize(key, authorizeBody("pay_restart"));
    assert.deepEqual(again.body, before.body, "the stored outcome survived the restart");
    // The worker's pull may still be ending when the first fresh call comes (1 s deadline here): a 504
    // says the command keeps running, and the same Idempotency-Key again gets its outcome.
    const freshKey = newKey();
    const runs = worker.connector.runs.authorize;
    let fresh = await authorize(freshKey, authorizeBody("pay_after_restart"));
    await waitFor(
      "the fresh authorize's outcome",
      async () => {
        if (fresh.status === 200) return true;
        assert.equal(fresh.status, 504, JSON.stringify(fresh.body));
        fresh = await authorize(freshKey, authorizeBody("pay_after_restart"));
        return `${fresh.status}`;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    assert.equal(worker.connector.runs.authorize, runs + 1, "it ran once, however often it was asked");
  });
});

describe("merchant-bound callers (the catalogue with API keys)", { timeout: 60_000 }, () => {
  let stack: PaymentsStack;
  let worker: RunningWorker;
  const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

  before(async () => {
    stack = await startPaymentsStack(
      exampleConfig((doc) => {
        doc.setIn(["gateway", "auth"], {
          apiKeys: {
            "shop-m1": { sha256: sha256("m1-secret"), tenants: ["m1"] },
            backoffice: { sha256: sha256("backoffice-secret"), tenants: "*" },
          },
          default: ["shop-m1", "backoffice"],
        });
      }),
    );
    worker = await stack.worker();
  });
  after(() => stack?.dispose());

  it("a key acts for its merchants only: another merchant is 403 and nothing reaches the worker", async () => {
    const as = (key: string, merchant: string) =>
      stack.post(`/v1/payments/${merchant}/authorize`, authorizeBody(`pay_${merchant}`), {
        "idempotency-key": newKey(),
        "x-api-key": key,
      });
    assert.equal((await as("m1-secret", "m1")).status, 200);
    const other = await as("m1-secret", "m2");
    assert.equal(other.status, 403, JSON.stringify(other.body));
    assert.equal(other.body.detail, 'credential "shop-m1" may not act for merchantId "m2"');
    const sync = await stack.post(
      "/v1/payments/m2/sync",
      { paymentId: "pay_m1" },
      { "x-api-key": "m1-secret" },
    );
    assert.equal(sync.status, 403, "queries are bound too");
    assert.equal(worker.connector.runs.authorize, 1, "the refused call never reached the worker");
    assert.equal((await as("backoffice-secret", "m2")).status, 200);
    const anonymous = await stack.post("/v1/payments/m1/authorize", authorizeBody("pay_anon"), {
      "idempotency-key": newKey(),
    });
    assert.equal(anonymous.status, 401);
    assert.equal(worker.connector.runs.authorize, 2);
  });
});
