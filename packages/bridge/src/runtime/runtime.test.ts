import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readDeadLetter } from "@junction/sdk/jetstream";
import { createLanes } from "@junction/sdk/partitions";
import { sleep } from "@junction/sdk/resilience";
import { DeliveryError, DeliveryErrorCode, type DeliveryOutcome } from "../targets/delivery.ts";
import type { TargetRequest } from "../targets/types.ts";
import { createBatcher } from "./batcher.ts";
import { retryDelay } from "./retry.ts";

const req = (n: number, body = "x"): TargetRequest => ({
  service: "sqs",
  operation: "SendMessage",
  resource: "q",
  input: { MessageBody: body, n },
});

describe("runtime: ordering lanes", () => {
  it("runs one key in submission order, different keys in parallel", async () => {
    const lanes = createLanes();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await sleep(ms);
      log.push(`end ${name}`);
    };
    await Promise.all([
      lanes.run("a", task("a1", 30)),
      lanes.run("a", task("a2", 1)),
      lanes.run("b", task("b1", 5)),
      lanes.run(undefined, task("n1", 1)),
    ]);
    assert.ok(log.indexOf("end a1") < log.indexOf("start a2"), log.join(", "));
    assert.ok(log.indexOf("start b1") < log.indexOf("end a1"), "b runs beside a");
    assert.equal(lanes.size, 0, "idle lanes are forgotten");
  });

  it("a failed task does not block its successors", async () => {
    const lanes = createLanes();
    await assert.rejects(lanes.run("k", async () => Promise.reject(new Error("boom"))));
    assert.equal(await lanes.run("k", async () => 7), 7);
  });
});

describe("runtime: batcher", () => {
  const recording = () => {
    const batches: number[][] = [];
    const send = async (rs: readonly TargetRequest[]): Promise<DeliveryOutcome[]> => {
      batches.push(rs.map((r) => r.input.n as number));
      return rs.map(() => ({ ok: true }));
    };
    return { batches, send };
  };

  it("flushes at the count limit at once and the rest after the linger time", async () => {
    const { batches, send } = recording();
    const b = createBatcher({ count: 3, bytes: 1e6, lingerMs: 20 }, send);
    const all = [1, 2, 3, 4].map((n) => b.add(req(n)));
    await sleep(1);
    assert.deepEqual(batches, [[1, 2, 3]]);
    await Promise.all(all);
    assert.deepEqual(batches, [[1, 2, 3], [4]]);
  });

  it("starts a new batch before the byte budget is exceeded", async () => {
    const { batches, send } = recording();
    const b = createBatcher({ count: 10, bytes: 250, lingerMs: 5 }, send);
    await Promise.all([1, 2, 3].map((n) => b.add(req(n, "y".repeat(100)))));
    assert.deepEqual(batches, [[1, 2], [3]]);
  });

  it("turns a thrown send into a retryable outcome for every request of the batch", async () => {
    const b = createBatcher({ count: 2, bytes: 1e6, lingerMs: 0 }, async () => {
      throw new Error("socket hang up");
    });
    const outcome = await b.add(req(1));
    assert.equal(outcome.ok, false);
    if (!outcome.ok) {
      assert.ok(outcome.error instanceof DeliveryError && outcome.error.retryable);
      assert.equal(outcome.error.code, DeliveryErrorCode.Unavailable);
    }
    await b.idle();
  });
});

describe("runtime: retry schedule", () => {
  it("follows the schedule (last entry repeats) with jitter between half and all of it", () => {
    const schedule = [100, 200, 400];
    assert.equal(
      retryDelay(schedule, 1, () => 1),
      100,
    );
    assert.equal(
      retryDelay(schedule, 2, () => 0),
      100,
    );
    assert.equal(
      retryDelay(schedule, 3, () => 1),
      400,
    );
    assert.equal(
      retryDelay(schedule, 9, () => 1),
      400,
    );
    for (let i = 0; i < 100; i++) {
      const d = retryDelay(schedule, 2);
      assert.ok(d >= 100 && d <= 200, `${d}`);
    }
  });
});

describe("runtime: dead-letter format", () => {
  it("reads the headers written by writeDeadLetter back (record form)", () => {
    const letter = readDeadLetter({
      data: new Uint8Array([1]),
      seq: 9,
      headers: {
        "Junction-Dlq-Reason": "rejected",
        "Junction-Dlq-Route": "work",
        "Junction-Dlq-Target": "sqs#0",
        "Junction-Dlq-Subject": "work.a.b.c",
        "Junction-Dlq-Error-Code": "ERR_MAPPING",
        "Junction-Dlq-Error": "payload is not JSON",
        "Junction-Dlq-Delivery-Count": "1",
        "Junction-Dlq-Time": "2024-01-01T00:00:00.000Z",
        "Junction-Dlq-Message-Id": "m1",
        "Junction-Dlq-Stream": "AGENTS",
        "Junction-Dlq-Sequence": "42",
        "Junction-Dlq-Header-X-Trace": "t",
      },
    });
    assert.deepEqual(letter.origin, { route: "work", target: "sqs#0" });
    assert.equal(letter.messageId, "m1");
    assert.equal(letter.time.toISOString(), "2024-01-01T00:00:00.000Z");
    assert.equal(letter.seq, 42);
    assert.equal(letter.dlqSeq, 9);
    assert.deepEqual(letter.headers, { "X-Trace": "t" });
    assert.deepEqual(letter.error, { code: "ERR_MAPPING", message: "payload is not JSON" });
  });
});
