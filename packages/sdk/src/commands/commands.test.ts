import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestNats, type TestNats } from "@junction/testkit";
import { connect, type JunctionClient } from "../connect/client.ts";
import { ServiceError } from "../errors/index.ts";
import { Headers } from "../identity/index.ts";
import { CaptureTimeoutError } from "../testing/errors.ts";
import { captureMessages, derivedMessage, rootMessage } from "../testing/index.ts";
import { CommandHeaders } from "./ack.ts";
import { NotACommandAckError } from "./errors.ts";
import { commandFromMessage, createCommandHandler } from "./handler.ts";
import { sendCommand } from "./send.ts";

interface PlaceOrder {
  readonly orderId: string;
  readonly amount: number;
}

/** A zod-shaped schema without zod: the SDK only needs `safeParse`. */
const placeOrderSchema = {
  safeParse(data: unknown) {
    const d = data as Partial<PlaceOrder> | undefined;
    const issues: { path: PropertyKey[]; message: string }[] = [];
    if (typeof d?.orderId !== "string") issues.push({ path: ["orderId"], message: "required" });
    if (typeof d?.amount !== "number" || d.amount <= 0)
      issues.push({ path: ["amount"], message: "must be > 0" });
    return issues.length > 0
      ? ({ success: false, error: { issues } } as const)
      : ({ success: true, data: { orderId: d?.orderId as string, amount: Number(d?.amount) } } as const);
  },
};

describe("commands: validate → handle → acknowledge", { timeout: 60_000 }, () => {
  let nats: TestNats;
  let client: JunctionClient;
  let handled = 0;

  before(async () => {
    nats = await startTestNats();
    client = await connect({ servers: nats.url, name: "commands-test" });
    await client.jetstream().ensureStream({ name: "EVENTS", subjects: ["shop.events.>"] });
    await client.jetstream().ensureStream({ name: "DURABLE_COMMANDS", subjects: ["durable.commands.>"] });
    const place = createCommandHandler<PlaceOrder, { orderId: string }>(
      {
        subject: "shop.commands.order.place",
        schema: placeOrderSchema,
        validate: (data) => ((data as PlaceOrder).orderId.startsWith("o-") ? [] : "order ids start with o-"),
        rejectionEvent: "shop.events.order.rejected",
        handle: (cmd) => {
          handled++;
          if (cmd.data.amount > 1000) cmd.reject("LIMIT_EXCEEDED", `amount ${cmd.data.amount} is over 1000`);
          if (cmd.data.amount === 666) throw new Error("database on fire");
          cmd.emit("shop.events.order.placed", { orderId: cmd.data.orderId });
          cmd.emit("shop.events.order.priced", { orderId: cmd.data.orderId, amount: cmd.data.amount });
          return { orderId: cmd.data.orderId };
        },
      },
      { client },
    );
    await place.serve();
  });
  after(async () => {
    await client?.drain();
    await nats?.dispose();
  });

  it("accepts a valid command; its events carry its correlation id and take its id as causation id", async () => {
    const events = await captureMessages(client, "shop.events.order.*", { count: 2, timeoutMs: 3000 });
    const ack = await sendCommand(client, "shop.commands.order.place", { orderId: "o-1", amount: 10 });
    assert.equal(ack.status, "accepted");
    if (ack.status !== "accepted") return;
    assert.deepEqual(ack.result, { orderId: "o-1" });
    assert.equal(ack.correlationId, ack.commandId, "a root command: correlation = its id");
    const got = await events.wait();
    assert.deepEqual(
      got.map((m) => m.subject),
      ["shop.events.order.placed", "shop.events.order.priced"],
    );
    for (const [n, e] of got.entries()) {
      assert.equal(e.identity.correlationId, ack.correlationId);
      assert.equal(e.identity.causationId, ack.commandId);
      assert.equal(e.identity.id, `${ack.commandId}-e${n + 1}`);
      assert.equal(e.kind, "event");
    }
    assert.deepEqual(
      ack.events.map((e) => e.id),
      got.map((e) => e.identity.id),
    );
    // Stored in the stream too (published through JetStream).
    const stored = await (await client.jetstream().manager()).streams.getMessage("EVENTS", {
      last_by_subj: "shop.events.order.priced",
    });
    assert.equal(stored?.header.get(Headers.CausationId), ack.commandId);
  });

  it("the acknowledgement's headers say accepted or rejected with its code", async () => {
    const ok = await client.request("shop.commands.order.place", { orderId: "o-2", amount: 1 });
    assert.equal(ok.header(CommandHeaders.Status), "accepted");
    assert.equal(ok.identity.causationId !== undefined, true);
    const no = await client.request("shop.commands.order.place", { orderId: "o-2", amount: -1 });
    assert.equal(no.header(CommandHeaders.Status), "rejected");
    assert.equal(no.header(CommandHeaders.Code), "ERR_VALIDATION");
  });

  it("rejects invalid commands with ERR_VALIDATION and every issue, before the handler runs and emitting nothing", async () => {
    const before = handled;
    const events = await captureMessages(client, "shop.events.order.placed", { count: 1, timeoutMs: 300 });
    const bad = await sendCommand(client, "shop.commands.order.place", { amount: 0 });
    assert.equal(bad.status, "rejected");
    if (bad.status !== "rejected") return;
    assert.equal(bad.code, "ERR_VALIDATION");
    assert.deepEqual(bad.issues, [
      { path: "orderId", message: "required" },
      { path: "amount", message: "must be > 0" },
    ]);
    assert.equal(bad.reason, "invalid command: orderId: required; amount: must be > 0");
    const byFunction = await sendCommand(client, "shop.commands.order.place", { orderId: "x-1", amount: 5 });
    assert.equal(
      byFunction.status === "rejected" && byFunction.reason,
      "invalid command: order ids start with o-",
    );
    const notJson = await client.request("shop.commands.order.place", new TextEncoder().encode("{nope"));
    assert.equal(notJson.header(CommandHeaders.Code), "ERR_VALIDATION");
    assert.match(JSON.parse(new TextDecoder().decode(notJson.data)).reason, /cannot decode JSON/);
    assert.equal(handled, before);
    await assert.rejects(events.wait(), CaptureTimeoutError);
  });

  it("rejects a root command whose message id is not its correlation id, as a validation error", async () => {
    const before = handled;
    const ack = await sendCommand(
      client,
      "shop.commands.order.place",
      { orderId: "o-3", amount: 5 },
      {
        id: "cmd-1",
        headers: { [Headers.CorrelationId]: "someone-elses-flow" },
      },
    );
    // writeHeaders lets identity headers win over extra ones, so set the mismatch on the wire directly:
    assert.equal(ack.status, "accepted", "the SDK never sends a mismatched root");
    const raw = await client.request(
      "shop.commands.order.place",
      { orderId: "o-3", amount: 5 },
      { identity: { id: "cmd-2", correlationId: "someone-elses-flow" } },
    );
    const rejected = JSON.parse(new TextDecoder().decode(raw.data));
    assert.equal(rejected.status, "rejected");
    assert.equal(rejected.code, "ERR_VALIDATION");
    assert.equal(rejected.issues[0].path, Headers.CorrelationId);
    assert.match(rejected.reason, /root command .* must have correlation id = its message id \(cmd-2\)/);
    assert.equal(handled, before + 1, "only the well-formed one ran");
  });

  it("a handler's own rejection keeps its code and publishes the rejection event, derived from the command", async () => {
    const events = await captureMessages(client, "shop.events.order.rejected", { count: 1, timeoutMs: 3000 });
    const ack = await sendCommand(client, "shop.commands.order.place", { orderId: "o-4", amount: 5000 });
    assert.equal(ack.status, "rejected");
    if (ack.status !== "rejected") return;
    assert.equal(ack.code, "LIMIT_EXCEEDED");
    assert.equal(ack.reason, "amount 5000 is over 1000");
    const [event] = await events.wait();
    assert.equal(event?.identity.causationId, ack.commandId);
    assert.equal(event?.identity.correlationId, ack.correlationId);
    assert.equal((event?.decode() as { code: string } | undefined)?.code, "LIMIT_EXCEEDED");
  });

  it("a handler that crashes is not an acknowledgement: the caller gets service error 500", async () => {
    await assert.rejects(
      sendCommand(client, "shop.commands.order.place", { orderId: "o-5", amount: 666 }),
      (err: unknown) => err instanceof ServiceError && err.serviceCode === 500 && /on fire/.test(err.message),
    );
  });

  it("a derived command keeps the flow: its events carry the parent's correlation id", async () => {
    const parent = rootMessage({ subject: "shop.events.cart.checked-out", data: {}, kind: "event" });
    const events = await captureMessages(client, "shop.events.order.placed", { count: 1, timeoutMs: 3000 });
    const ack = await sendCommand(
      client,
      "shop.commands.order.place",
      { orderId: "o-6", amount: 5 },
      { causedBy: parent.identity },
    );
    assert.equal(ack.correlationId, parent.identity.correlationId);
    const [event] = await events.wait();
    assert.equal(event?.identity.correlationId, parent.identity.correlationId);
  });

  it("works over JetStream: the worker acknowledges on Junction-Reply-To; processing again stores no event twice", async () => {
    const handler = createCommandHandler<PlaceOrder>(
      {
        subject: "durable.commands.order.{action}",
        schema: placeOrderSchema,
        handle: (cmd) => {
          cmd.emit("shop.events.order.placed", { orderId: cmd.data.orderId, action: cmd.captures.action });
        },
      },
      { client },
    );
    const worker = await handler.work("DURABLE_COMMANDS", "order-commands");
    try {
      const ack = await sendCommand(
        client,
        "durable.commands.order.place",
        { orderId: "o-7", amount: 5 },
        { via: "jetstream", timeoutMs: 5000 },
      );
      assert.equal(ack.status, "accepted");
      const rejected = await sendCommand(client, "durable.commands.order.place", {}, { via: "jetstream" });
      assert.equal(rejected.status === "rejected" && rejected.code, "ERR_VALIDATION");

      // A redelivery after a crash that followed the publish: same command, same event ids.
      const jsm = await client.jetstream().manager();
      const before = (await jsm.streams.info("EVENTS")).state.messages;
      const command = rootMessage({
        subject: "durable.commands.order.place",
        data: { orderId: "o-8", amount: 1 },
      });
      const first = await handler.process(commandFromMessage(command.received));
      const again = await handler.process(commandFromMessage(command.received));
      assert.deepEqual(first, again);
      assert.equal((await jsm.streams.info("EVENTS")).state.messages, before + 1);
      const derived = derivedMessage(command, {
        subject: "durable.commands.order.place",
        data: { orderId: "o-9", amount: 1 },
      });
      const ack2 = await handler.process(commandFromMessage(derived.received));
      assert.equal(ack2.correlationId, command.identity.id);
    } finally {
      await worker.stop();
    }
  });

  it("a request to a subject a stream captures is reported, not mistaken for an acknowledgement", async () => {
    await assert.rejects(
      sendCommand(client, "durable.commands.nobody.home", { orderId: "o-1", amount: 1 }),
      (err: unknown) => err instanceof NotACommandAckError && /PubAck/.test(err.message),
    );
  });
});
