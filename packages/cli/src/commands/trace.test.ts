// `junction trace` as a process, against a real nats-server holding a flow spread over two streams.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { connect, type JunctionClient, type MessageIdentity, newIdentity } from "@junction/sdk";
import { spawnJunction, startTestNats, type TestNats } from "@junction/testkit";

const dir = mkdtempSync(join(tmpdir(), "junction-trace-"));

async function trace(args: string[], cwd = dir) {
  const proc = spawnJunction(["trace", ...args], { cwd, env: { NO_COLOR: "1", NATS_URL: "" } });
  const timer = setTimeout(() => void proc.kill(), 30_000); // a wedged CLI must not hang the suite
  const code = await proc.exited;
  clearTimeout(timer);
  const stderr = proc.stderr();
  return { code, stderr, stdout: proc.output().replace(stderr, "") };
}

describe("junction trace", { timeout: 120_000 }, () => {
  let nats: TestNats;
  let client: JunctionClient;
  const root = newIdentity(undefined, "order-1");
  const derived = (id: string, parent: MessageIdentity) => newIdentity(parent, id);

  before(async () => {
    nats = await startTestNats();
    client = await connect({ servers: nats.url });
    const js = client.jetstream();
    await js.ensureStream({ name: "CMDS", subjects: ["shop.commands.>"] });
    await js.ensureStream({ name: "EVTS", subjects: ["shop.events.>"] });
    const placed = derived("placed-1", root);
    const reserve = derived("reserve-1", placed);
    const send = (subject: string, identity: MessageIdentity, kind: "command" | "event") =>
      js.publish(subject, {}, { identity, kind });
    await send("shop.commands.order.place", root, "command");
    await send("shop.commands.order.place", { id: "other", correlationId: "other" }, "command");
    await send("shop.events.order.placed", placed, "event");
    await send("shop.commands.stock.reserve", reserve, "command");
    await send("shop.events.stock.reserved", derived("reserved-1", reserve), "event");
    await send("shop.events.order.priced", derived("priced-1", root), "event");
    writeFileSync(
      join(dir, "junction.yaml"),
      `nats: { servers: "${nats.url}" }\nstreams:\n  - { name: CMDS, subjects: ["shop.commands.>"] }\n  - { name: EVTS, subjects: ["shop.events.>"] }\n`,
    );
  });
  after(async () => {
    await client?.drain();
    await nats?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints the flow's causation tree across streams, with subject, kind, time and id on each line", async () => {
    const run = await trace(["order-1", "--server", nats.url, "--stream", "CMDS", "--stream", "EVTS"]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split("\n");
    assert.equal(lines[0], "flow order-1: 5 message(s) in CMDS, EVTS (6 read)");
    const shape = lines.slice(1).map((l) => l.replace(/ {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}/, "  <time>  "));
    assert.deepEqual(shape, [
      "shop.commands.order.place  command  <time>  order-1  [CMDS #1]",
      "├─ shop.events.order.placed  event  <time>  placed-1  [EVTS #1]",
      "│  └─ shop.commands.stock.reserve  command  <time>  reserve-1  [CMDS #3]",
      "│     └─ shop.events.stock.reserved  event  <time>  reserved-1  [EVTS #2]",
      "└─ shop.events.order.priced  event  <time>  priced-1  [EVTS #3]",
    ]);
    assert.ok(!run.stdout.includes("other"));
  });

  it("--json prints one object with the tree; the config's streams are read when none is named", async () => {
    const run = await trace(["order-1", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.deepEqual(out.streams, ["CMDS", "EVTS"]);
    assert.equal(out.count, 5);
    const ids = (n: { id: string; children: unknown[] }): unknown => [
      n.id,
      n.children.map((c) => ids(c as never)),
    ];
    assert.deepEqual(out.roots.map(ids), [
      [
        "order-1",
        [
          ["placed-1", [["reserve-1", [["reserved-1", []]]]]],
          ["priced-1", []],
        ],
      ],
    ]);
    assert.equal(out.roots[0].kind, "command");
    assert.match(out.roots[0].time, /^\d{4}-\d\d-\d\dT/);
  });

  it("says so and exits 1 when no message has the id, or a stream does not exist", async () => {
    const none = await trace(["nobody", "--server", nats.url]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no message with correlation id nobody in CMDS, EVTS \(6 read\)/);
    const noStream = await trace(["order-1", "--server", nats.url, "--stream", "NOPE"]);
    assert.equal(noStream.code, 1);
    assert.match(noStream.stderr, /no stream NOPE/);
    const badMax = await trace(["order-1", "--server", nats.url, "--max", "0"]);
    assert.equal(badMax.code, 2);
    const later = await trace([
      "order-1",
      "--server",
      nats.url,
      "--since",
      new Date(Date.now() + 60_000).toISOString(),
    ]);
    assert.equal(later.code, 1, "--since after the flow: nothing to read");
    assert.match(later.stderr, /\(0 read\)/);
    const badSince = await trace(["order-1", "--server", nats.url, "--since", "yesterday-ish"]);
    assert.equal(badSince.code, 2);
    assert.match(badSince.stderr, /--since yesterday-ish: use an ISO-8601 time/);
  });

  it("--max bounds what it reads and warns that the flow may be incomplete", async () => {
    const run = await trace(["order-1", "--server", nats.url, "--stream", "CMDS", "--max", "1"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /more than 1 messages to read: the flow may be incomplete/);
    assert.match(run.stdout, /1 message\(s\) in CMDS \(1 read\)/);
  });
});
