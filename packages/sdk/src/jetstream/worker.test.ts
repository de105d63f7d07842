import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestNats, type TestNats, waitFor } from "@junction/testkit";
import type { JetStreamManager, StoredMsg } from "@nats-io/jetstream";
import { connect, type JunctionClient } from "../connect/client.ts";
import { PoisonMessageError } from "../errors/index.ts";
import { Headers } from "../identity/index.ts";
import { noopTelemetry } from "../telemetry/index.ts";
import { DlqHeaders } from "./dlq.ts";
import type { JunctionJetStream } from "./jetstream.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("jetstream: durable workers, backoff, DLQ", () => {
  let nats: TestNats;
  let client: JunctionClient;
  let js: JunctionJetStream;
  let jsm: JetStreamManager;
  const redelivered: string[] = [];
  const errors: Error[] = [];
  const onError = (err: Error) => errors.push(err);

  const dlqMessage = async (durable: string): Promise<StoredMsg> => {
    let found: StoredMsg | null = null;
    await waitFor(`a dead letter of ${durable}`, async () => {
      found = await jsm.streams
        .getMessage("JUNCTION_DLQ", { last_by_subj: `junction.dlq.${durable}` })
        .catch(() => null);
      return found ? true : "none yet";
    });
    return found as unknown as StoredMsg;
  };
  const settled = (durable: string) =>
    waitFor(`${durable} to settle`, async () => {
      const ci = await jsm.consumers.info("JOBS", durable);
      return ci.num_ack_pending === 0 && ci.num_pending === 0 ? true : JSON.stringify(ci.num_ack_pending);
    });

  before(async () => {
    nats = await startTestNats();
    client = await connect({
      servers: nats.url,
      name: "worker-test",
      telemetry: {
        ...noopTelemetry,
        redelivered: (stream, durable) => redelivered.push(`${stream}/${durable}`),
      },
    });
    js = client.jetstream();
    jsm = await js.manager();
    await js.ensureStream({ name: "JOBS", subjects: ["jobs.>"] });
  });
  after(async () => {
    await client?.drain();
    await nats?.dispose();
  });

  it("naks failures with the backoff schedule, then copies the last failure to the DLQ and terms it", async () => {
    const seen: { at: number; count: number }[] = [];
    const worker = await js.worker(
      "JOBS",
      "retry",
      (job) => {
        seen.push({ at: Date.now(), count: job.deliveryCount });
        throw new Error("boom\nsecond line");
      },
      { filterSubject: "jobs.retry", maxDeliver: 3, backoff: [200, 500], onError },
    );
    const sent = await js.publish("jobs.retry", { task: 1 }, { headers: { "X-Tenant": "t1" } });
    const letter = await dlqMessage("retry");
    await settled("retry");
    await worker.stop();

    assert.deepEqual(
      seen.map((s) => s.count),
      [1, 2, 3],
    );
    const [a = 0, b = 0, c = 0] = seen.map((s) => s.at);
    assert.ok(b - a >= 180 && b - a < 2000, `first nak delay ${b - a} ms`);
    assert.ok(c - b >= 470 && c - b < 3000, `second nak delay ${c - b} ms`);
    assert.deepEqual(redelivered, ["JOBS/retry", "JOBS/retry"]);

    const h = letter.header;
    assert.equal(h.get(DlqHeaders.Reason), "exhausted");
    assert.equal(h.get(DlqHeaders.Error), "boom second line");
    assert.equal(h.get(DlqHeaders.ErrorCode), "ERR_HANDLER");
    assert.equal(h.get(DlqHeaders.Subject), "jobs.retry");
    assert.equal(h.get(DlqHeaders.Stream), "JOBS");
    assert.equal(h.get(DlqHeaders.Sequence), `${sent.seq}`);
    assert.equal(h.get(DlqHeaders.Consumer), "retry");
    assert.equal(h.get(DlqHeaders.DeliveryCount), "3");
    assert.equal(h.get(`${DlqHeaders.HeaderPrefix}X-Tenant`), "t1");
    assert.equal(h.get(`${DlqHeaders.HeaderPrefix}${Headers.MsgId}`), sent.identity.id);
    assert.equal(h.get(Headers.MsgId), `dlq:JOBS:${sent.seq}`);
    assert.equal(h.get(Headers.CorrelationId), sent.identity.correlationId);
    assert.deepEqual(letter.json(), { task: 1 });
    assert.deepEqual(errors, []);
  });

  it("sends poison messages to the DLQ at once: PoisonMessageError, job.term(), undecodable payload", async () => {
    let calls = 0;
    const worker = await js.worker(
      "JOBS",
      "poison",
      (job) => {
        calls++;
        const { kind } = job.data as { kind: string };
        if (kind === "throw") throw new PoisonMessageError("unknown version 9");
        if (kind === "term") job.term("not for us");
      },
      { filterSubject: "jobs.poison.*", maxDeliver: 5, backoff: [5000], onError },
    );
    await js.publish("jobs.poison.a", { kind: "throw" });
    const a = await dlqMessage("poison");
    assert.equal(a.header.get(DlqHeaders.Reason), "rejected");
    assert.equal(a.header.get(DlqHeaders.ErrorCode), "ERR_POISON_MESSAGE");
    assert.equal(a.header.get(DlqHeaders.Error), "unknown version 9");
    assert.equal(a.header.get(DlqHeaders.DeliveryCount), "1");

    const b = await js.publish("jobs.poison.b", { kind: "term" });
    await waitFor("term'd copy", async () =>
      (await dlqMessage("poison")).header.get(DlqHeaders.Sequence) === `${b.seq}` ? true : "older",
    );
    assert.equal((await dlqMessage("poison")).header.get(DlqHeaders.Error), "not for us");

    const c = await js.publish("jobs.poison.c", new TextEncoder().encode("{not json"));
    await waitFor("undecodable copy", async () =>
      (await dlqMessage("poison")).header.get(DlqHeaders.Sequence) === `${c.seq}` ? true : "older",
    );
    assert.equal((await dlqMessage("poison")).header.get(DlqHeaders.ErrorCode), "ERR_CODEC");
    await settled("poison");
    await worker.stop();
    assert.equal(calls, 2); // the undecodable one never reached the handler
  });

  it("runs at most `concurrency` handlers at once and acks every message", async () => {
    let active = 0;
    let peak = 0;
    let done = 0;
    const worker = await js.worker(
      "JOBS",
      "bounded",
      async () => {
        active++;
        peak = Math.max(peak, active);
        await sleep(40);
        active--;
        done++;
      },
      { filterSubject: "jobs.bounded", concurrency: 3, onError },
    );
    await Promise.all(Array.from({ length: 15 }, (_, i) => js.publish("jobs.bounded", i)));
    await waitFor("15 handled", async () => (done === 15 ? true : `${done}`));
    await settled("bounded");
    await worker.stop();
    assert.equal(peak, 3);
  });

  it("copies a message whose last delivery was never handled via the max-deliveries advisory", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const counts: number[] = [];
    const worker = await js.worker(
      "JOBS",
      "hang",
      async (job) => {
        counts.push(job.deliveryCount);
        await gate; // hangs past ack_wait: the server redelivers, then gives up
      },
      { filterSubject: "jobs.hang", concurrency: 2, maxDeliver: 2, ackWaitMs: 400, maxExtendMs: 0, onError },
    );
    const sent = await js.publish("jobs.hang", { slow: true });
    const letter = await dlqMessage("hang");
    release();
    await worker.stop();
    assert.deepEqual(counts, [1, 2]);
    assert.equal(letter.header.get(DlqHeaders.Reason), "exhausted");
    assert.equal(letter.header.get(DlqHeaders.ErrorCode), "ERR_MAX_DELIVERIES");
    assert.equal(letter.header.get(DlqHeaders.Sequence), `${sent.seq}`);
    assert.equal(letter.header.get(DlqHeaders.DeliveryCount), "2");
    assert.equal(letter.header.get(DlqHeaders.Subject), "jobs.hang");
    assert.deepEqual(letter.json(), { slow: true });
  });

  it("extends the ack deadline of a long handler, so it is not redelivered meanwhile", async () => {
    const counts: number[] = [];
    const worker = await js.worker(
      "JOBS",
      "long",
      async (job) => {
        counts.push(job.deliveryCount);
        await sleep(1200); // three times ack_wait
      },
      { filterSubject: "jobs.long", concurrency: 2, ackWaitMs: 400, onError },
    );
    await js.publish("jobs.long", 1);
    await waitFor("long job done", async () => (counts.length > 0 ? true : "not started"));
    await settled("long");
    await worker.stop();
    assert.deepEqual(counts, [1]);
  });

  it("publishes derived messages from a job and survives its consumer being deleted", async () => {
    const worker = await js.worker(
      "JOBS",
      "derive",
      async (job) => {
        await job.jsPublish("jobs.derived", { from: job.data }, { id: `derived-${job.identity.id}` });
      },
      { filterSubject: "jobs.derive", onError },
    );
    const parent = await js.publish("jobs.derive", 1);
    const child = async () =>
      jsm.streams.getMessage("JOBS", { last_by_subj: "jobs.derived" }).catch(() => null);
    await waitFor("derived message", async () => ((await child()) ? true : "none"));
    const first = await child();
    assert.equal(first?.header.get(Headers.CausationId), parent.identity.id);
    assert.equal(first?.header.get(Headers.CorrelationId), parent.identity.correlationId);

    await jsm.consumers.delete("JOBS", "derive");
    const again = await js.publish("jobs.derive", 2);
    await waitFor(
      "handled after the consumer was recreated",
      async () => ((await child())?.header.get(Headers.CausationId) === again.identity.id ? true : "not yet"),
      { timeoutMs: 8000 },
    );
    await worker.stop();
  });

  it("is stopped by client.drain(), which waits for the running handler", async () => {
    const other = await connect({ servers: nats.url, name: "drain-test" });
    let finished = false;
    let started = false;
    await other.jetstream().worker(
      "JOBS",
      "drain",
      async () => {
        started = true;
        await sleep(300);
        finished = true;
      },
      { filterSubject: "jobs.drain" },
    );
    await js.publish("jobs.drain", 1);
    await waitFor("handler started", async () => (started ? true : "no"));
    await other.drain();
    assert.equal(finished, true);
    await settled("drain");
  });
});
