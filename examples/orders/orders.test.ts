// The orders example end to end: `junction up` on a copy of junction.yaml (random ports), the service
// as its own process, orders placed through the stream, and `junction trace` on a flow.
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { connect, type JunctionClient, type ReceivedMessage } from "@junction/sdk";
import { type CommandAck, sendCommand } from "@junction/sdk/commands";
import { captureMessages } from "@junction/sdk/testing";
import { type JunctionUp, spawnJunction, startJunctionUp } from "@junction/testkit";
import { parseDocument } from "yaml";
import type { Order, PlaceOrder } from "./src/domain.ts";

const example = fileURLToPath(new URL(".", import.meta.url));
// Absolute, so the scripts also run with the temp dir as working directory.
const tsx = import.meta.resolve("tsx");
const node = (script: string) =>
  [process.execPath, ["--conditions=source", "--import", tsx, join(example, script)]] as const;

/** A process with its output, for the service. */
function start(script: string, env: NodeJS.ProcessEnv, cwd: string) {
  const [bin, args] = node(script);
  const child: ChildProcess = spawn(bin, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const ready = async (pattern: RegExp, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (child.exitCode !== null) throw new Error(`${script} exited:\n${output}`);
      if (Date.now() > deadline) throw new Error(`${script}: no ${pattern} in ${timeoutMs} ms:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, ready, exited, output: () => output };
}

const order = (orderId: string, over: Partial<PlaceOrder> = {}): PlaceOrder => ({
  orderId,
  customer: "ada",
  items: [{ sku: "sku-1", qty: 2 }],
  amount: 120,
  country: "FR",
  ...over,
});

describe("orders example end to end (junction up + service)", { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "junction-orders-"));
  let up: JunctionUp;
  let service: ReturnType<typeof start>;
  let client: JunctionClient;
  let nats: string;

  /** Places an order through the stream and resolves with its acknowledgement and the saga's commands. */
  const place = async (o: PlaceOrder, commands: number) => {
    const id = `place-${o.orderId}`;
    const sent = await captureMessages(client, "shop.commands.>", {
      count: commands + 1,
      timeoutMs: 15_000,
      filter: (m) => m.identity.correlationId === id,
    });
    const ack = await sendCommand(client, "shop.commands.order.place", o, {
      via: "jetstream",
      id,
      timeoutMs: 10_000,
    });
    const got = commands === 0 ? [] : await sent.wait();
    return {
      ack,
      commands: got.slice(1).map((m: ReceivedMessage) => m.subject.replace("shop.commands.", "")),
    };
  };
  const get = async (orderId: string) =>
    (await client.request<Order>("shop.queries.order.get", { orderId }, { timeoutMs: 5000 })).decode();
  const settled = async (orderId: string) => {
    for (let i = 0; i < 100; i++) {
      const o = await get(orderId);
      if (o.status !== "placed") return o;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`order ${orderId} never settled`);
  };

  before(async () => {
    const doc = parseDocument(readFileSync(join(example, "junction.yaml"), "utf8"));
    doc.setIn(["local"], doc.createNode({ natsPort: 0, awsPort: 0 }));
    doc.setIn(["ops"], doc.createNode({ listen: "127.0.0.1:0" }));
    up = await startJunctionUp(doc.toString(), { dir, ready: /ready in \d+ ms/ });
    nats = up.endpoints.nats;
    service = start("service.ts", { NATS_URL: nats }, dir);
    await service.ready(/orders service ready/, 30_000);
    client = await connect(nats);
  });
  after(async () => {
    await client?.drain();
    service?.child.kill("SIGTERM");
    await service?.exited;
    await up?.stop("SIGTERM");
  });

  it("an order goes through (the README's script), and junction trace prints its whole flow", async () => {
    const [bin, args] = node("place-order.ts");
    const { stdout } = await promisify(execFile)(bin, [...args, JSON.stringify(order("o-1"))], {
      cwd: dir,
      env: { ...process.env, NATS_URL: nats },
      timeout: 30_000,
    });
    const [ackLine, outcome, traceHint] = stdout.trim().split("\n");
    const ack = JSON.parse(ackLine ?? "") as CommandAck;
    assert.equal(ack.status, "accepted");
    assert.equal(outcome, 'shop.events.order.confirmed {"orderId":"o-1"}');
    assert.equal(
      traceHint,
      `trace: npx junction trace -c examples/orders/junction.yaml ${ack.correlationId}`,
    );
    assert.equal((await get("o-1")).status, "confirmed");

    const trace = spawnJunction(["trace", ack.correlationId], { cwd: dir, env: { NATS_URL: "" } });
    assert.equal(await trace.exited, 0, trace.output());
    const subjects = trace
      .output()
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.replace(/^[\s│├└─]*/, "").split("  ")[0]);
    assert.deepEqual(subjects, [
      "shop.commands.order.place",
      "shop.events.order.placed",
      "shop.commands.stock.reserve",
      "shop.events.stock.reserved",
      "shop.commands.payment.charge",
      "shop.events.payment.charged",
      "shop.commands.shipping.schedule",
      "shop.events.shipping.scheduled",
      "shop.events.fulfilment.completed",
      "shop.events.order.confirmed",
    ]);
    assert.match(trace.output(), /^flow \S+: 10 message\(s\) in SHOP_COMMANDS, SHOP_EVENTS/);
    assert.match(trace.output(), /\n└─ shop\.events\.order\.placed {2}event {2}\d{4}-/);
  });

  it("a declined payment releases the stock: the order is rejected with the reason", async () => {
    const { ack, commands } = await place(order("o-2", { amount: 5000 }), 3);
    assert.equal(ack.status, "accepted");
    assert.deepEqual(commands, ["stock.reserve", "payment.charge", "stock.release"]);
    const o = await settled("o-2");
    assert.equal(o.status, "rejected");
    assert.equal(o.reason, "charge-payment: 5000 is over the card limit of 1000");
  });

  it("a shipment nobody can make refunds the payment, then releases the stock", async () => {
    const { commands } = await place(order("o-3", { country: "XX" }), 5);
    assert.deepEqual(commands, [
      "stock.reserve",
      "payment.charge",
      "shipping.schedule",
      "payment.refund",
      "stock.release",
    ]);
    assert.equal((await settled("o-3")).reason, "schedule-shipping: no carrier ships to XX");
  });

  it("rejects invalid and duplicate orders with stable codes; cancels a confirmed order once", async () => {
    const bad = (await place({ orderId: "o 4", amount: -1 } as unknown as PlaceOrder, 0)).ack;
    assert.equal(bad.status, "rejected");
    if (bad.status === "rejected") {
      assert.equal(bad.code, "ERR_VALIDATION");
      assert.deepEqual(
        bad.issues?.map((i) => i.path),
        ["orderId", "customer", "items", "amount", "country"],
      );
    }
    const again = await sendCommand(client, "shop.commands.order.place", order("o-1"), { via: "jetstream" });
    assert.equal(again.status === "rejected" && again.code, "DUPLICATE_ORDER");
    const cancel = (orderId: string) =>
      sendCommand(client, "shop.commands.order.cancel", { orderId }, { via: "jetstream", timeoutMs: 10_000 });
    assert.equal((await cancel("o-1")).status, "accepted");
    assert.equal((await get("o-1")).status, "cancelled");
    const twice = await cancel("o-1");
    assert.equal(twice.status === "rejected" && twice.code, "NOT_CANCELLABLE");
    const unknown = await cancel("o-404");
    assert.equal(unknown.status === "rejected" && unknown.code, "ORDER_NOT_FOUND");
  });

  it("a charge sent twice with one idempotency key charges once", async () => {
    const charged = await captureMessages(client, "shop.events.payment.charged", {
      count: 2,
      timeoutMs: 2000,
      filter: (m) => (m.decode() as { orderId: string }).orderId === "o-dup",
    });
    const charge = { orderId: "o-dup", customer: "ada", amount: 10 };
    const first = await sendCommand(client, "shop.commands.payment.charge", charge, {
      via: "jetstream",
      idempotencyKey: "charge-o-dup",
    });
    const second = await sendCommand(client, "shop.commands.payment.charge", charge, {
      via: "jetstream",
      idempotencyKey: "charge-o-dup",
    });
    assert.equal(first.status === "accepted" && first.events.length, 1);
    assert.equal(second.status === "accepted" && second.events.length, 0, "skipped: already charged");
    await assert.rejects(charged.wait(), /got 1/);
  });
});
