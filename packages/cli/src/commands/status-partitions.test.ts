// `junction status` shows who owns which partition: a `junction run` whose route is partitioned and a
// second member joined through the SDK share the route's group on a real nats-server; the status reads
// the JUNCTION_GROUPS bucket, in --json and in the table.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { PartitionGroup } from "@junction/sdk/partitions";
import { freePorts, spawnJunction } from "@junction/testkit";
import type { GroupStatus } from "../partition-groups.ts";
import { type OrdersConfig, writeOrdersConfig } from "./testdata/orders-config.ts";

const PARTITIONS = 4;

describe("junction status: partition ownership", { timeout: 180_000 }, () => {
  let stack: OrdersConfig;
  let member: PartitionGroup;

  before(async () => {
    stack = await writeOrdersConfig(`routes:
  - name: orders
    from: { subject: "orders.{id}", stream: ORDERS }
    key: "{id}"
    partitions: ${PARTITIONS}
    to:
      - { type: sqs, queue: orders-out }
`);
    await stack.startRun();
    // A second member of the route's group: it serves nothing (no message is published), it only holds
    // the partitions the balance gives it until the test ends.
    member = await stack.client.jetstream().partitionGroup(
      {
        stream: "ORDERS",
        group: "orders",
        partitions: PARTITIONS,
        filterSubject: "orders.*",
        memberId: "sdk-member",
      },
      (lease) => new Promise((resolve) => lease.signal.addEventListener("abort", () => resolve(undefined))),
    );
  });

  after(async () => {
    await member?.stop();
    await stack?.dispose();
  });

  const status = async (...args: string[]) => {
    const child = spawnJunction(["status", "--ops", stack.ops, ...args], { cwd: stack.dir });
    const code = await child.exited;
    return { code, stdout: child.output(), stderr: child.stderr() };
  };

  it("--json lists each member with the partitions it owns and its lease age", async () => {
    const end = Date.now() + 60_000;
    for (;;) {
      const { code, stdout } = await status("--json");
      assert.equal(code, 0, stdout);
      const groups = (JSON.parse(stdout) as { groups: GroupStatus[] }).groups;
      const orders = groups.find((g) => g.group === "orders");
      assert.ok(orders, stdout);
      const balanced =
        orders.members.length === 2 && orders.members.every((m) => m.partitions.length === PARTITIONS / 2);
      if (balanced) {
        assert.equal(orders.partitions, PARTITIONS);
        assert.deepEqual(orders.unowned, []);
        const ids = orders.members.map((m) => m.id);
        assert.ok(ids.includes("sdk-member"), stdout);
        assert.deepEqual(
          orders.members.flatMap((m) => m.partitions).sort(),
          Array.from({ length: PARTITIONS }, (_, p) => p),
        );
        assert.deepEqual(
          [...(orders.members.find((m) => m.id === "sdk-member")?.partitions ?? [])],
          member.owned().sort(),
        );
        for (const m of orders.members) {
          assert.ok(typeof m.leaseAgeMs === "number" && m.leaseAgeMs >= 0 && m.leaseAgeMs < 30_000, stdout);
        }
        break;
      }
      if (Date.now() > end) assert.fail(`the two members never shared the partitions:\n${stdout}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  });

  it("prints a table of members, partitions and lease ages for people", async () => {
    const { code, stdout } = await status();
    assert.equal(code, 0, stdout);
    // The partitioned route's consumer columns come from its partitions' consumers (not "-").
    assert.match(stdout, /^orders\s+\d+\s+\d+\s+\d+\s+/m);
    assert.match(stdout, /^group\s+member\s+partitions\s+lease age$/m);
    assert.match(stdout, /^orders\s+sdk-member\s+\d, \d\s+\d+\.\d s$/m);
  });

  it("still prints the rest, and says why, when NATS cannot be reached", async () => {
    const [deadNats] = await freePorts(1);
    const { code, stdout, stderr } = await status("--json", "--server", `nats://127.0.0.1:${deadNats}`);
    assert.equal(code, 0, stderr);
    const shown = JSON.parse(stdout.slice(stdout.indexOf("{"))) as { routes: unknown[]; groups?: unknown };
    assert.equal(shown.routes.length, 1);
    assert.equal(shown.groups, undefined);
    assert.match(stderr, /^junction: partition ownership not shown: /m);
  });
});
