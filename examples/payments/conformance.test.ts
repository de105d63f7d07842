// Workers in any language: one scenario list, over NATS alone, against the Node worker (@junction/sdk)
// and the Go worker (written from docs/protocol.md), each a process of its own on its own nats-server.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { applyProvision, planProvision } from "@junction/bridge";
import {
  connect,
  IdempotencyKeyReusedError,
  type JunctionClient,
  type ReceivedMessage,
  rawCodec,
  ServiceError,
} from "@junction/sdk";
import { captureMessages } from "@junction/sdk/testing";
import { getMonitoring, startTestNats, type TestNats } from "@junction/testkit";
import { authorizeBody, exampleConfig, newKey } from "./testdata/stack.ts";
import {
  buildGoWorker,
  startWorkerProcess,
  type WorkerLanguage,
  type WorkerProcess,
} from "./testdata/workers.ts";

const AUTHORIZE = "hyperswitch.payments.m1.authorize";
const SYNC = "hyperswitch.payments.m1.sync";
// protocol.md §14, written out from the page rather than taken from the SDK.
const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const scoped = (key: string, subject = AUTHORIZE) => sha256(`${subject}\n${key}`);
const dir = mkdtempSync(join(tmpdir(), "junction-payments-conformance-"));
let goBinary: Promise<string> | undefined;
after(() => rmSync(dir, { recursive: true, force: true }));

interface Subsz {
  subscriptions_list?: { subject: string; qgroup?: string }[];
}

for (const language of ["node", "go"] as const satisfies readonly WorkerLanguage[]) {
  describe(`conformance: the ${language} worker`, { timeout: 120_000 }, () => {
    let nats: TestNats;
    let client: JunctionClient;
    let worker: WorkerProcess;
    let inboxes = 0;
    let lastCorrelationId = "";

    /** The fingerprint of the last command's payload, as stored in its stream. */
    let lastFingerprint = "";
    /** Publishes a command as durable request/reply does, resolving with its reply (if any). */
    const command = async (
      key: string | undefined,
      body: unknown,
      opts: { id?: string; raw?: boolean; waitMs?: number; subject?: string } = {},
    ): Promise<ReceivedMessage | undefined> => {
      const subject = opts.subject ?? AUTHORIZE;
      const inbox = `_INBOX.conformance.${language}.${++inboxes}`;
      const reply = await captureMessages(client, inbox, { count: 1, timeoutMs: opts.waitMs ?? 10_000 });
      const ack = await client.jetstream().publish(subject, body, {
        id: opts.id ?? `dr:${scoped(key ?? newKey(), subject)}`,
        kind: "command",
        headers: { "Junction-Reply-To": inbox },
        ...(key === undefined ? {} : { idempotencyKey: key }),
        ...(opts.raw ? { codec: rawCodec() as never } : {}),
      });
      lastCorrelationId = ack.identity.correlationId;
      const jsm = await client.jetstream().manager();
      lastFingerprint = sha256((await jsm.streams.getMessage(ack.stream, { seq: ack.seq }))?.data ?? "");
      return (await reply.wait().catch(() => []))[0];
    };
    const failureOf = (m: ReceivedMessage | undefined) => ({
      code: m?.header("Nats-Service-Error-Code"),
      message: m?.header("Nats-Service-Error"),
    });
    const storedOutcome = async (kvKey: string) => {
      const kv = await client.kv<Record<string, unknown>>("JUNCTION_OUTCOMES", { bindOnly: true });
      return (await kv.get(kvKey))?.value;
    };
    const deadLetters = async () => {
      const jsm = await client.jetstream().manager();
      const info = await jsm.streams.info("JUNCTION_DLQ").catch(() => undefined);
      const out: Record<string, string>[] = [];
      for (let seq = 1; seq <= (info?.state.last_seq ?? 0); seq++) {
        const m = await jsm.streams.getMessage("JUNCTION_DLQ", { seq });
        if (m === null) continue;
        out.push(
          Object.fromEntries([...(m.header?.keys() ?? [])].map((k) => [k.toLowerCase(), m.header.get(k)])),
        );
      }
      return out;
    };

    before(async () => {
      nats = await startTestNats();
      client = await connect({ servers: nats.url, name: "conformance" });
      await applyProvision(planProvision(exampleConfig()), { nats: client });
      await client.jetstream().outcome(AUTHORIZE, "-"); // callers create the outcome bucket (protocol.md §14)
      if (language === "go") goBinary ??= buildGoWorker(dir);
      worker = await startWorkerProcess(
        language,
        { NATS_URL: nats.url, WORKER_MAX_DELIVER: "2", WORKER_BACKOFF_MS: "100" },
        language === "go" ? await goBinary : undefined,
      );
    });
    after(async () => {
      await worker?.stop();
      await client?.drain();
      await nats?.dispose();
    });

    it("authorize: a reply derived from the command, the outcome stored in the protocol's format", async () => {
      const key = newKey();
      const reply = await command(key, authorizeBody("pay_c1"));
      assert.ok(reply, `no reply; worker output:\n${worker.output()}`);
      assert.equal(reply.header("Nats-Service-Error-Code"), undefined);
      const payment = JSON.parse(Buffer.from(reply.data).toString());
      assert.deepEqual(Object.keys(payment), [
        "paymentId",
        "merchantId",
        "status",
        "amount",
        "currency",
        "last4",
        "authorizationId",
      ]);
      assert.equal(payment.merchantId, "m1");
      assert.equal(payment.status, "authorized");
      assert.equal(reply.header("Junction-Kind"), "reply");
      assert.equal(reply.identity.causationId, `dr:${scoped(key)}`);
      assert.notEqual(reply.identity.id, `dr:${scoped(key)}`);
      assert.equal(reply.identity.correlationId, lastCorrelationId);
      assert.equal(reply.header("Junction-Request-Fingerprint"), lastFingerprint);
      const stored = await storedOutcome(scoped(key));
      assert.deepEqual(stored, {
        ok: true,
        data: Buffer.from(reply.data).toString("base64"),
        fingerprint: lastFingerprint,
      });
    });

    it("a copy with the same key under another message id gets the stored outcome and runs nothing", async () => {
      const key = newKey();
      const first = await command(key, authorizeBody("pay_c2"));
      const copy = await command(key, authorizeBody("pay_c2"), { id: `copy-${key}` });
      assert.ok(first && copy);
      assert.equal(Buffer.from(copy.data).toString(), Buffer.from(first.data).toString());
      // A run would have answered 409 (the connector already holds pay_c2).
      assert.equal(copy.header("Nats-Service-Error-Code"), undefined);
    });

    it("a decline is a stored error outcome, answered as a service error, the same every time", async () => {
      const key = newKey();
      const body = authorizeBody("pay_c3", { card: { number: "4000000000000002" } });
      const expected = { code: "402", message: "card_declined: the card was declined" };
      assert.deepEqual(failureOf(await command(key, body)), expected);
      assert.deepEqual(await storedOutcome(scoped(key)), {
        ok: false,
        code: 402,
        message: expected.message,
        fingerprint: lastFingerprint,
      });
      assert.deepEqual(failureOf(await command(key, body, { id: `again-${key}` })), expected);
    });

    it("invalid input is a definite 400: every field problem, and a payload that is not JSON", async () => {
      const invalid = await command(newKey(), authorizeBody("pay_c4", { amount: 0, currency: "eur" }));
      assert.deepEqual(failureOf(invalid), {
        code: "400",
        message:
          "invalid authorize request: amount: must be a positive integer; currency: must be 3 capital letters",
      });
      const notJson = await command(newKey(), new TextEncoder().encode("{not json"), { raw: true });
      assert.equal(failureOf(notJson).code, "400");
    });

    it("a transient failure is retried, then answered and stored as 500 and dead-lettered", async () => {
      const key = newKey();
      const reply = await command(key, authorizeBody("pay_c5", { card: { number: "4000000000000119" } }));
      assert.deepEqual(failureOf(reply), {
        code: "500",
        message: "processing_error: the card network did not answer",
      });
      assert.deepEqual(await storedOutcome(scoped(key)), {
        ok: false,
        code: 500,
        message: "processing_error: the card network did not answer",
        fingerprint: lastFingerprint,
      });
      const letter = (await deadLetters()).find(
        (h) => h["junction-dlq-header-junction-idempotency-key"] === key,
      );
      assert.ok(letter, "a dead letter for the command");
      assert.equal(letter["junction-dlq-reason"], "exhausted");
      assert.equal(letter["junction-dlq-worker"], "payments-authorize");
      assert.ok(Date.parse(letter["junction-dlq-time"] ?? "") > Date.now() - 120_000, "its time");
      assert.equal(letter["junction-dlq-subject"], AUTHORIZE);
      assert.equal(letter["junction-dlq-stream"], "PAYMENTS");
      assert.equal(letter["junction-dlq-consumer"], "payments-authorize");
      assert.equal(letter["junction-dlq-delivery-count"], "2");
    });

    it("a command without an idempotency key is poison: dead-lettered, never answered", async () => {
      const id = `nokey-${newKey()}`;
      assert.equal(await command(undefined, authorizeBody("pay_c6"), { id, waitMs: 1500 }), undefined);
      const letter = (await deadLetters()).find((h) => h["junction-dlq-header-nats-msg-id"] === id);
      assert.equal(letter?.["junction-dlq-reason"], "rejected");
      assert.equal(letter?.["junction-dlq-message-id"], id);
    });

    it("any key is stored under the hash of subject and key", async () => {
      const key = `order/42 ü ${newKey()}`;
      assert.ok(await command(key, authorizeBody(`pay_c7_${inboxes}`)));
      const stored = await storedOutcome(scoped(key));
      assert.equal(stored?.ok, true);
    });

    it("one key for two merchants: two commands, two outcomes", async () => {
      const key = newKey();
      const m1 = await command(key, authorizeBody("pay_c10"));
      const m2 = await command(key, authorizeBody("pay_c10"), {
        subject: "hyperswitch.payments.m2.authorize",
      });
      const merchantOf = (m: ReceivedMessage | undefined) =>
        JSON.parse(Buffer.from(m?.data ?? []).toString());
      assert.equal(merchantOf(m1).merchantId, "m1");
      assert.equal(merchantOf(m2).merchantId, "m2");
      assert.notEqual(merchantOf(m1).authorizationId, merchantOf(m2).authorizationId);
      assert.equal((await storedOutcome(scoped(key, "hyperswitch.payments.m2.authorize")))?.ok, true);
    });

    it("a copy with the same key and another body runs nothing and answers with the stored fingerprint", async () => {
      const key = newKey();
      const first = await command(key, authorizeBody("pay_c11"));
      const firstFingerprint = lastFingerprint;
      const copy = await command(key, authorizeBody("pay_c11", { amount: 999 }), { id: `other-${key}` });
      assert.notEqual(lastFingerprint, firstFingerprint);
      assert.equal(copy?.header("Junction-Request-Fingerprint"), firstFingerprint);
      assert.equal(Buffer.from(copy?.data ?? []).toString(), Buffer.from(first?.data ?? []).toString());
      // Through the SDK's caller, the same key with another body is refused.
      await assert.rejects(
        client.jetstream().durableRequest(AUTHORIZE, authorizeBody("pay_c11", { amount: 998 }), {
          idempotencyKey: key,
          timeoutMs: 10_000,
        }),
        (e: unknown) => e instanceof IdempotencyKeyReusedError && e.code === "ERR_IDEMPOTENCY_KEY_REUSED",
      );
    });

    it("concurrent identical durable requests: one outcome for all", async () => {
      const key = newKey();
      const body = authorizeBody("pay_c8", { test: { delayMs: 200 } });
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          client.jetstream().durableRequest<{ authorizationId: string }>(AUTHORIZE, body, {
            idempotencyKey: key,
            timeoutMs: 10_000,
          }),
        ),
      );
      assert.equal(new Set(answers.map((a) => a.authorizationId)).size, 1);
    });

    it("sync: a query in queue group junction, headers read whatever their case", async () => {
      const subs = await getMonitoring<Subsz>(nats.httpUrl, "/subsz?subs=1");
      assert.ok(
        subs?.subscriptions_list?.some(
          (s) => s.subject === "hyperswitch.payments.*.sync" && s.qgroup === "junction",
        ),
        "subscribed in queue group junction",
      );
      const authorized = await command(newKey(), authorizeBody("pay_c9"));
      const headers = new (await import("@nats-io/nats-core")).MsgHdrsImpl();
      headers.set("nats-msg-id", "lower-case-id");
      headers.set("junction-correlation-id", "lower-case-flow");
      const msg = await client.nc.request(SYNC, JSON.stringify({ paymentId: "pay_c9" }), {
        timeout: 5000,
        headers,
      });
      const h = (name: string) =>
        [...(msg.headers?.keys() ?? [])].find((k) => k.toLowerCase() === name.toLowerCase());
      assert.equal(msg.headers?.get(h("Junction-Correlation-Id") ?? ""), "lower-case-flow");
      assert.equal(msg.headers?.get(h("Junction-Causation-Id") ?? ""), "lower-case-id");
      assert.deepEqual(JSON.parse(msg.string()), JSON.parse(Buffer.from(authorized?.data ?? []).toString()));
    });

    it("sync errors: 404 unknown, 400 without a paymentId, 503 while the connector fails", async () => {
      const code = (data: unknown) =>
        client.request(SYNC, data, { timeoutMs: 5000, breaker: false }).then(
          () => 200,
          (err: unknown) => (err instanceof ServiceError ? err.serviceCode : String(err)),
        );
      assert.equal(await code({ paymentId: "pay_unknown" }), 404);
      assert.equal(await code({}), 400);
      assert.equal(await code({ paymentId: "pay_c9", test: { fail: true } }), 503);
    });
  });
}
