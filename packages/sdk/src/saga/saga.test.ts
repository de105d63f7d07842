import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestNats, type TestNats, waitFor } from "@junction/testkit";
import type { ReceivedMessage } from "../client/message.ts";
import { createCommandHandler } from "../commands/handler.ts";
import { connect, type JunctionClient } from "../connect/client.ts";
import { newMessageId } from "../identity/index.ts";
import type { Worker } from "../jetstream/worker.ts";
import { captureMessages } from "../testing/index.ts";
import { createSagaCoordinator, type SagaCoordinator } from "./coordinator.ts";
import { coveringFilter, defineSaga, type Saga } from "./definition.ts";
import { SagaDefinitionError, SagaExistsError } from "./errors.ts";
import { type SagaOutcome, type SagaState, sagaKey } from "./state.ts";
import { begin } from "./transition.ts";

/** What a step's handler does for one test: answer ok, fail, stay silent, or wait for a gate first. */
type Behavior = (step: string, action: string) => "ok" | "fail" | "silent" | Promise<"ok" | "fail">;
interface TestData {
  readonly test: string;
}

const steps = ["s1", "s2", "s3"] as const;
function threeSteps(name: string, options: { timeoutMs?: number } = {}): Saga<TestData> {
  return defineSaga<TestData>({
    name,
    outcomeSubject: `saga.events.${name}`,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    steps: steps.map((s) => ({
      name: s,
      command: { subject: `saga.commands.${s}.do`, data: (v) => ({ ...v.data, previous: v.results }) },
      success: `saga.events.${s}.done`,
      failure: `saga.events.${s}.failed`,
      compensation: {
        command: { subject: `saga.commands.${s}.undo` },
        success: `saga.events.${s}.undone`,
        failure: `saga.events.${s}.undo-failed`,
      },
    })),
  });
}

describe("saga: steps driven by events, compensation, timeouts, restarts", { timeout: 120_000 }, () => {
  let nats: TestNats;
  let client: JunctionClient;
  let stepWorker: Worker;
  const behaviors = new Map<string, Behavior>();
  const errors: Error[] = [];
  const onError = (err: Error) => errors.push(err);
  const coordinators: SagaCoordinator<TestData>[] = [];
  const coordinate = async (
    saga: Saga<TestData>,
    on: JunctionClient = client,
    extra: { outboxGraceMs?: number } = {},
  ) => {
    const c = await createSagaCoordinator<TestData>(
      {
        saga,
        stream: "SAGA_EVENTS",
        outboxGraceMs: extra.outboxGraceMs ?? 300,
        onError,
        worker: { backoff: [100] },
      },
      { client: on },
    );
    coordinators.push(c);
    return c;
  };
  /** Every saga command published for one flow, in order (core NATS sees each publish). */
  const commands = (correlationId: string, count: number, timeoutMs = 8000) =>
    captureMessages(client, "saga.commands.>", {
      count,
      timeoutMs,
      filter: (m) => m.identity.correlationId === correlationId,
    });
  const outcome = async (saga: string, correlationId: string, timeoutMs = 8000) => {
    const capture = await captureMessages<SagaOutcome<TestData>>(client, `saga.events.${saga}.*`, {
      count: 1,
      timeoutMs,
      filter: (m) => m.identity.correlationId === correlationId,
    });
    return capture;
  };
  const subjects = (messages: readonly ReceivedMessage[]) =>
    messages.map((m) => m.subject.slice("saga.commands.".length));

  before(async () => {
    nats = await startTestNats();
    client = await connect({ servers: nats.url, name: "saga-test" });
    await client.jetstream().ensureStream({ name: "SAGA_COMMANDS", subjects: ["saga.commands.>"] });
    await client.jetstream().ensureStream({ name: "SAGA_EVENTS", subjects: ["saga.events.>"] });
    // The steps' handlers: command pipeline workers; a rejection publishes the step's failure event.
    const handler = createCommandHandler<TestData>(
      {
        subject: "saga.commands.{step}.{action}",
        rejectionEvent: (_ack, cmd) => {
          const [, , step, action] = cmd.subject.split(".");
          return `saga.events.${step}.${action === "do" ? "failed" : "undo-failed"}`;
        },
        handle: async (cmd) => {
          const { step = "", action = "" } = cmd.captures;
          const behave = behaviors.get(cmd.data.test) ?? (() => "ok" as const);
          const result = await behave(step, action);
          if (result === "silent") return;
          if (result === "fail") cmd.reject("STEP_FAILED", `${step} ${action} failed`);
          cmd.emit(`saga.events.${step}.${action === "do" ? "done" : "undone"}`, {
            step,
            by: cmd.identity.id,
          });
        },
      },
      { client },
    );
    stepWorker = await handler.work("SAGA_COMMANDS", "steps", { concurrency: 16 });
  });
  after(async () => {
    for (const c of coordinators) await c.stop();
    await stepWorker?.stop();
    await client?.drain();
    await nats?.dispose();
  });

  it("runs three steps in order, each command caused by the previous answer, and publishes completed", async () => {
    const saga = threeSteps("happy");
    const coordinator = await coordinate(saga);
    const correlationId = newMessageId();
    const sent = await commands(correlationId, 3);
    const done = await outcome("happy", correlationId);
    // A root saga: correlation id chosen by start() (here through causedBy of a root message).
    await coordinator.start({ test: "happy" }, { causedBy: { id: correlationId, correlationId } });
    const got = await sent.wait();
    assert.deepEqual(subjects(got), ["s1.do", "s2.do", "s3.do"]);
    assert.equal(got[0]?.identity.causationId, correlationId);
    const [result] = await done.wait();
    assert.equal(result?.subject, "saga.events.happy.completed");
    const payload = result?.decode();
    assert.equal(payload?.outcome, "completed");
    assert.deepEqual(payload?.completed, ["s1", "s2", "s3"]);
    assert.deepEqual(Object.keys(payload?.results ?? {}), ["s1", "s2", "s3"]);
    // s2's command was caused by s1's success event, which was caused by s1's command.
    const s1Done = (payload?.results.s1 as { by: string } | undefined)?.by;
    assert.equal(s1Done, got[0]?.identity.id);
    assert.equal(got[1]?.identity.causationId, `${got[0]?.identity.id}-e1`);
    assert.deepEqual((got[2]?.decode() as { previous: object } | undefined)?.previous, {
      s1: payload?.results.s1,
      s2: payload?.results.s2,
    });
    await waitFor("outbox cleared", async () => {
      const state = await coordinator.get(correlationId);
      return state?.status === "completed" && state.outbox === undefined
        ? true
        : JSON.stringify(state?.outbox);
    });
    assert.deepEqual(errors, []);
  });

  it("a root saga's first command is the root: its id is the correlation id", async () => {
    const coordinator = await coordinate(threeSteps("rooted"));
    const first = await captureMessages(client, "saga.commands.s1.do", {
      count: 1,
      filter: (m) => (m.decode() as TestData).test === "rooted",
    });
    const state = await coordinator.start({ test: "rooted" });
    const [cmd] = await first.wait();
    assert.equal(cmd?.identity.id, state.correlationId);
    assert.equal(cmd?.identity.causationId, undefined);
    await assert.rejects(
      coordinator.start({ test: "rooted" }, { causedBy: { id: "x", correlationId: state.correlationId } }),
      SagaExistsError,
    );
    await (await outcome("rooted", state.correlationId)).wait();
  });

  it("when the third step fails, compensates steps two and one in that order, then publishes compensated", async () => {
    behaviors.set("third-fails", (step, action) => (step === "s3" && action === "do" ? "fail" : "ok"));
    const coordinator = await coordinate(threeSteps("third-fails"));
    const correlationId = newMessageId();
    const sent = await commands(correlationId, 5);
    const done = await outcome("third-fails", correlationId);
    await coordinator.start({ test: "third-fails" }, { causedBy: { id: correlationId, correlationId } });
    const got = await sent.wait();
    assert.deepEqual(subjects(got), ["s1.do", "s2.do", "s3.do", "s2.undo", "s1.undo"]);
    assert.ok(
      got.every((m) => m.identity.correlationId === correlationId),
      "every saga message carries its correlation id",
    );
    assert.equal(
      got[3]?.identity.causationId,
      `${got[2]?.identity.id}-rejected`,
      "s2.undo caused by s3's failure event",
    );
    assert.equal(got[4]?.identity.causationId, `${got[3]?.identity.id}-e1`, "s1.undo caused by s2.undone");
    const [result] = await done.wait();
    assert.equal(result?.subject, "saga.events.third-fails.compensated");
    const payload = result?.decode();
    assert.deepEqual(payload?.compensated, ["s2", "s1"]);
    assert.equal(payload?.failure?.step, "s3");
    assert.equal(payload?.failure?.reason, "failure");
    assert.equal((payload?.failure?.event?.data as { code: string } | undefined)?.code, "STEP_FAILED");
  });

  it("also when the coordinator is stopped between steps and a new one starts on the same KV", async () => {
    let openGate: () => void = () => {};
    const gate = new Promise<"ok">((resolve) => (openGate = () => resolve("ok")));
    behaviors.set("restart", (step, action) => {
      if (step === "s2" && action === "do") return gate;
      return step === "s3" && action === "do" ? "fail" : "ok";
    });
    const saga = threeSteps("restart");
    const first = await connect({ servers: nats.url, name: "coordinator-1" });
    const coordinatorA = await createSagaCoordinator<TestData>(
      { saga, stream: "SAGA_EVENTS", outboxGraceMs: 300, onError },
      { client: first },
    );
    const correlationId = newMessageId();
    const sent = await commands(correlationId, 5, 15_000);
    const done = await outcome("restart", correlationId, 15_000);
    await coordinatorA.start({ test: "restart" }, { causedBy: { id: correlationId, correlationId } });
    await waitFor("s2.do sent", async () =>
      sent.messages.length >= 2 ? true : `${sent.messages.length} sent`,
    );
    // The coordinator goes away entirely (object stopped, connection closed) while s2 runs.
    await coordinatorA.stop();
    await first.drain();
    openGate(); // s2 answers while no coordinator runs: the event waits in the stream
    await waitFor("s2.done stored", async () => {
      const jsm = await client.jetstream().manager();
      const last = await jsm.streams
        .getMessage("SAGA_EVENTS", { last_by_subj: "saga.events.s2.done" })
        .catch(() => null);
      return last?.header.get("Junction-Correlation-Id") === correlationId ? true : "not yet";
    });
    assert.equal((await client.kv<SagaState>("JUNCTION_SAGAS")).name, "JUNCTION_SAGAS");
    const stateWhileDown = (
      await (await client.kv<SagaState>("JUNCTION_SAGAS")).get(sagaKey("restart", correlationId))
    )?.value;
    assert.equal(stateWhileDown?.pending?.subject, "saga.commands.s2.do", "nobody advanced it meanwhile");

    const second = await connect({ servers: nats.url, name: "coordinator-2" });
    const coordinatorB = await createSagaCoordinator<TestData>(
      { saga, stream: "SAGA_EVENTS", outboxGraceMs: 300, onError },
      { client: second },
    );
    try {
      const got = await sent.wait();
      assert.deepEqual(subjects(got), ["s1.do", "s2.do", "s3.do", "s2.undo", "s1.undo"]);
      const [result] = await done.wait();
      assert.equal(result?.subject, "saga.events.restart.compensated");
      assert.deepEqual(result?.decode().compensated, ["s2", "s1"]);
    } finally {
      await coordinatorB.stop();
      await second.drain();
    }
  });

  it("a step that gets no answer times out: it counts as failed and the completed steps are compensated", async () => {
    behaviors.set("timeout", (step, action) => (step === "s2" && action === "do" ? "silent" : "ok"));
    const coordinator = await coordinate(threeSteps("timeout", { timeoutMs: 400 }));
    const correlationId = newMessageId();
    const sent = await commands(correlationId, 3);
    const done = await outcome("timeout", correlationId);
    const startedAt = Date.now();
    await coordinator.start({ test: "timeout" }, { causedBy: { id: correlationId, correlationId } });
    const got = await sent.wait();
    assert.deepEqual(subjects(got), ["s1.do", "s2.do", "s1.undo"]);
    assert.equal(
      got[2]?.identity.causationId,
      got[1]?.identity.id,
      "the undo is derived from the unanswered command",
    );
    const [result] = await done.wait();
    const payload = result?.decode();
    assert.equal(payload?.outcome, "compensated");
    assert.deepEqual(payload?.failure, { step: "s2", action: "command", reason: "timeout" });
    assert.ok(Date.now() - startedAt >= 400, "not before the deadline");
  });

  it("a compensation that fails ends the saga failed, saying which and what is left undone", async () => {
    behaviors.set("comp-fails", (step, action) => {
      if (step === "s3" && action === "do") return "fail";
      return step === "s2" && action === "undo" ? "fail" : "ok";
    });
    const coordinator = await coordinate(threeSteps("comp-fails"));
    const correlationId = newMessageId();
    const sent = await commands(correlationId, 4);
    const done = await outcome("comp-fails", correlationId);
    await coordinator.start({ test: "comp-fails" }, { causedBy: { id: correlationId, correlationId } });
    assert.deepEqual(subjects(await sent.wait()), ["s1.do", "s2.do", "s3.do", "s2.undo"]);
    const [result] = await done.wait();
    assert.equal(result?.subject, "saga.events.comp-fails.failed");
    const payload = result?.decode();
    assert.equal(payload?.compensationFailure?.step, "s2");
    assert.equal(payload?.compensationFailure?.action, "compensation");
    assert.equal(payload?.compensationFailure?.reason, "failure");
    assert.deepEqual(payload?.notCompensated, ["s1", "s2"]);
    assert.equal(payload?.failure?.step, "s3");
  });

  it("two coordinators on one saga never both advance it: one command per step, also on timeouts", async () => {
    behaviors.set("pair", (step, action) => (step === "s3" && action === "do" ? "silent" : "ok"));
    const saga = threeSteps("pair", { timeoutMs: 500 });
    const other = await connect({ servers: nats.url, name: "coordinator-pair" });
    try {
      const a = await coordinate(saga);
      await coordinate(saga, other);
      const flows = Array.from({ length: 4 }, () => newMessageId());
      const captures = await Promise.all(flows.map((f) => commands(f, 5)));
      const outcomes = await Promise.all(flows.map((f) => outcome("pair", f)));
      await Promise.all(
        flows.map((f) => a.start({ test: "pair" }, { causedBy: { id: f, correlationId: f } })),
      );
      for (const [i, capture] of captures.entries()) {
        const got = await capture.wait();
        assert.deepEqual(subjects(got), ["s1.do", "s2.do", "s3.do", "s2.undo", "s1.undo"]);
        await outcomes[i]?.wait();
      }
      // Nothing more is sent afterwards (e.g. a second compensation by the other coordinator's timer).
      const extra = await captureMessages(client, "saga.commands.>", {
        count: 1,
        timeoutMs: 800,
        filter: (m) => flows.includes(m.identity.correlationId),
      });
      await assert.rejects(extra.wait(), /got 0/);
    } finally {
      for (const c of coordinators.splice(-1)) await c.stop();
      await other.drain();
    }
  });

  it("a state written without its command being sent (the coordinator died in between) is sent by another", async () => {
    const saga = threeSteps("outbox");
    const kv = await client.kv<SagaState<TestData>>("JUNCTION_SAGAS");
    const correlationId = newMessageId();
    const state = begin(
      saga,
      { test: "outbox" },
      { correlationId, causationId: "cause-1" },
      {
        now: Date.now(),
        newId: newMessageId,
      },
    );
    await kv.create(sagaKey("outbox", correlationId), state); // written, never published
    const sent = await commands(correlationId, 3);
    const done = await outcome("outbox", correlationId);
    await coordinate(saga, client, { outboxGraceMs: 200 });
    const got = await sent.wait();
    assert.deepEqual(subjects(got), ["s1.do", "s2.do", "s3.do"]);
    assert.equal(got[0]?.identity.id, state.outbox?.id, "the command as it was written");
    assert.equal((await done.wait())[0]?.decode().outcome, "completed");
  });

  it("starts from a trigger event (once, even if the trigger comes again) and joins the trigger's flow", async () => {
    const saga = threeSteps("triggered");
    await createSagaCoordinator<TestData>(
      {
        saga,
        stream: "SAGA_EVENTS",
        trigger: { subject: "saga.events.order.placed", data: (e) => ({ test: (e.data as TestData).test }) },
        onError,
      },
      { client },
    ).then((c) => coordinators.push(c));
    const correlationId = newMessageId();
    const sent = await commands(correlationId, 3);
    const trigger = { id: correlationId, correlationId };
    await client
      .jetstream()
      .publish("saga.events.order.placed", { test: "triggered" }, { identity: trigger });
    await client
      .jetstream()
      .publish("saga.events.order.placed", { test: "triggered" }, { id: newMessageId(), causedBy: trigger });
    const got = await sent.wait();
    assert.deepEqual(subjects(got), ["s1.do", "s2.do", "s3.do"]);
    assert.equal(got[0]?.identity.causationId, correlationId);
    await (await outcome("triggered", correlationId)).wait();
    const again = await commands(correlationId, 1, 600);
    await assert.rejects(again.wait(), /got 0/);
  });

  it("reported no background failures along the way", () => {
    assert.deepEqual(
      errors.map((e) => `${(e as { code?: string }).code}: ${e.message}`),
      [],
    );
  });
});

describe("saga: definitions (no server)", () => {
  it("rejects definitions that cannot run, with a typed error", () => {
    const step = { name: "a", command: { subject: "x.do" }, success: "x.done" };
    assert.throws(() => defineSaga({ name: "bad name", steps: [step] }), SagaDefinitionError);
    assert.throws(() => defineSaga({ name: "s", steps: [] }), /no steps/);
    assert.throws(() => defineSaga({ name: "s", steps: [step, step] }), /two steps named a/);
    assert.throws(() => defineSaga({ name: "s", steps: [{ ...step, success: [] }] }), /no success event/);
    assert.throws(
      () => defineSaga({ name: "s", steps: [{ ...step, failure: "x.done" }] }),
      /success and failure/,
    );
    assert.throws(
      () => defineSaga({ name: "s", steps: [{ ...step, command: { subject: "x.*" } }] }),
      /concrete/,
    );
    assert.throws(() => defineSaga({ name: "s", steps: [{ ...step, success: "x..y" }] }), /invalid success/);
    assert.throws(() => defineSaga({ name: "s", steps: [{ ...step, timeoutMs: 0 }] }), /timeoutMs/);
    assert.equal(defineSaga({ name: "s", steps: [step] }).outcomeSubject, "saga.events.s");
  });

  it("derives one consumer filter covering every answer subject", () => {
    assert.equal(
      coveringFilter(["shop.events.stock.reserved", "shop.events.payment.charged"]),
      "shop.events.>",
    );
    assert.equal(coveringFilter(["a.b", "a.b.c"]), "a.>");
    assert.equal(coveringFilter(["a.b", "a.b"]), "a.b");
    assert.equal(coveringFilter(["a.*.c", "a.b.d"]), "a.>");
    assert.equal(coveringFilter(["a.b", "c.d"]), ">");
  });
});
