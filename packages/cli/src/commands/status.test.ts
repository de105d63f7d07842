// `junction status` against a running bridge whose target is down: the breaker opens, dead letters
// pile up, and the status says so, read from the ops endpoint.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { StackStatus } from "@junction/bridge";
import type { JunctionClient } from "@junction/sdk";
import { type JunctionProcess, spawnJunction } from "@junction/testkit";
import { type OrdersConfig, writeOrdersConfig } from "./testdata/orders-config.ts";

describe("junction status", { timeout: 180_000 }, () => {
  let stack: OrdersConfig;
  let client: JunctionClient;
  let dir: string;
  let run: JunctionProcess;
  let ops: string;

  before(async () => {
    // Nothing listens on the AWS port: every call fails as an outage, which is what opens a breaker.
    stack = await writeOrdersConfig(`routes:
  - name: orders
    from: { subject: "orders.{id}", stream: ORDERS }
    retry: { maxDeliver: 2, backoffMs: [100] }
    batch: { count: 1 }
    to:
      - { type: sqs, queue: orders-out }
`);
    ({ client, dir, ops } = stack);
    run = await stack.startRun();
  });

  after(() => stack?.dispose());

  const status = async (...args: string[]): Promise<{ code: number | string; stdout: string }> => {
    const child = spawnJunction(["status", "--ops", ops, ...args], { cwd: dir });
    const code = await child.exited;
    return { code, stdout: child.output() };
  };

  it("--json shows the breaker open and the dead letters growing", async () => {
    const js = client.jetstream();
    for (let i = 0; i < 20; i++) await js.publish(`orders.${i}`, { i });
    const seen: StackStatus[] = [];
    const end = Date.now() + 60_000;
    for (;;) {
      const { code, stdout } = await status("--json");
      assert.equal(code, 0, stdout);
      const now = JSON.parse(stdout) as StackStatus;
      seen.push(now);
      const route = now.routes.find((r) => r.name === "orders");
      assert.ok(route, stdout);
      const grew = seen.some((s) => (s.routes[0]?.deadLetters ?? 0) < route.deadLetters);
      if (route.breakers["sqs#0"] === "open" && route.deadLetters > 0 && grew) {
        assert.ok(route.failed > 0);
        assert.ok(route.consumer !== undefined);
        assert.equal(route.delivered, 0);
        break;
      }
      if (Date.now() > end)
        assert.fail(`no open breaker with growing dead letters:\n${JSON.stringify(seen)}`);
      // More messages keep the target failing, and the dead letters growing.
      for (let i = 0; i < 5; i++) await js.publish(`orders.more${seen.length}-${i}`, { i });
    }
  });

  it("prints a table for people", async () => {
    const { code, stdout } = await status();
    assert.equal(code, 0, stdout);
    assert.match(
      stdout,
      /^route\s+pending\s+ack pending\s+redelivered\s+delivered\/s\s+failed\/s\s+dead letters\s+breakers$/m,
    );
    assert.match(stdout, /^orders\s+\d+\s+\d+\s+\d+\s+0\s+[\d.]+\s+\d+\s+sqs#0 (open|half-open|closed)$/m);
  });

  it("follows a reload of junction run's config: a bad one is refused, a good one adds a route", async () => {
    const file = join(dir, "junction.yaml");
    const good = readFileSync(file, "utf8");
    const waitFor = async (re: RegExp) => {
      const end = Date.now() + 30_000;
      while (!re.test(run.output())) {
        if (Date.now() > end) assert.fail(`no ${re}:\n${run.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    writeFileSync(file, `${good}  - name: [not a name]\n`);
    await waitFor(/"msg":"config reload: [^"]*junction\.yaml is invalid, the running config stays"/);
    writeFileSync(
      file,
      `${good}  - name: refunds
    from: { subject: "orders.refund.{id}", stream: ORDERS }
    to:
      - { type: sqs, queue: refunds-out }
`,
    );
    run.child.kill("SIGHUP");
    await waitFor(/"msg":"config reloaded from junction\.yaml"/);
    assert.equal(run.child.exitCode, null, "SIGHUP ended the process");
    const { stdout } = await status("--json");
    const names = (JSON.parse(stdout) as StackStatus).routes.map((r) => r.name);
    assert.deepEqual(names, ["orders", "refunds"]);
    const metrics = await (await fetch(`${ops}/metrics`)).text();
    assert.match(metrics, /^junction_config_reloads_total\{result="invalid"\} 1$/m);
    assert.match(metrics, /^junction_config_reloads_total\{result="applied"\} [12]$/m);
  });

  it("says so in one sentence when no stack runs here", async () => {
    const child = spawnJunction(["status"], { cwd: dir });
    assert.equal(await child.exited, 1);
    assert.match(child.stderr(), /^junction: no stack is running from this directory/);
  });
});
