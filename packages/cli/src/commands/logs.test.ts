// What `junction run` logs: readable coloured lines on a terminal, JSON otherwise, at the level asked
// for; a stream message no route takes is counted and warned about once per subject pattern.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import type { JunctionClient } from "@junction/sdk";
import { spawnJunction } from "@junction/testkit";
import { type OrdersConfig, writeOrdersConfig } from "./testdata/orders-config.ts";

const main = join(dirname(fileURLToPath(import.meta.resolve("junction/package.json"))), "src", "main.ts");

describe("junction's logs", { timeout: 180_000 }, () => {
  let stack: OrdersConfig;
  let client: JunctionClient;
  let dir: string;
  let ops: string;

  before(async () => {
    stack = await writeOrdersConfig(`routes:
  - name: placed
    from: { subject: "orders.{id}.placed", stream: ORDERS }
    to:
      - { type: sqs, queue: orders-out }
`);
    ({ client, dir, ops } = stack);
  });

  after(() => stack?.dispose());

  it("on a terminal: coloured readable lines; unrouted messages counted, warned about once", async () => {
    // `script` gives the command a terminal, as a person running it has.
    const command = [
      process.execPath,
      "--conditions=source",
      "--import",
      import.meta.resolve("tsx"),
      main,
      "run",
    ]
      .map((a) => `'${a}'`)
      .join(" ");
    const child = spawn("script", ["-qfec", command, "/dev/null"], {
      cwd: dir,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (b: Buffer) => (output += b.toString()));
    try {
      const until = async (what: string, ok: () => boolean | Promise<boolean>) => {
        const end = Date.now() + 60_000;
        while (!(await ok())) {
          if (Date.now() > end) assert.fail(`no ${what}:\n${output}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      await until("bridge running", () => output.includes("bridge running"));
      const js = client.jetstream();
      await js.publish("orders.1.cancelled", { n: 1 });
      await js.publish("orders.2.cancelled", { n: 2 });
      await until("unrouted count of 2", async () =>
        /^junction_bridge_unrouted_total\{stream="ORDERS"\} 2$/m.test(
          await (await fetch(`${ops}/metrics`)).text(),
        ),
      );
      await until("the warning", () => output.includes("no route takes it"));
      const plain = stripVTControlCharacters(output);
      assert.notEqual(plain, output, "no colours on a terminal");
      assert.match(plain, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: bridge running/m);
      assert.match(
        plain,
        /WARN: a message on orders\.1\.cancelled is stored in stream ORDERS but no route takes it/,
      );
      assert.equal(plain.match(/no route takes it/g)?.length, 1, plain);
      assert.doesNotMatch(plain, /"level":/);
    } finally {
      // Wait for it to end: the next test starts another bridge on the same ops port.
      const exited =
        child.exitCode === null && child.signalCode === null
          ? new Promise((r) => child.once("exit", r))
          : Promise.resolve();
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }
  });

  it("elsewhere: JSON lines, at the level --log-level asks for", async () => {
    const run = spawnJunction(["--log-level", "debug", "run"], { cwd: dir });
    try {
      await run.waitForOutput(/"msg":"bridge running"/, 60_000);
      assert.match(run.stderr(), /^\{"level":30,/m);
    } finally {
      await run.kill();
    }
    const quiet = spawnJunction(["run", "--log-level", "error"], { cwd: dir });
    try {
      await new Promise((r) => setTimeout(r, 500));
      const end = Date.now() + 60_000;
      while (
        !(await fetch(`${ops}/readyz`).then(
          (r) => r.ok,
          () => false,
        ))
      ) {
        if (Date.now() > end) assert.fail(quiet.output());
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.doesNotMatch(quiet.stderr(), /bridge running/);
    } finally {
      await quiet.kill();
    }
  });

  it("refuses an unknown level in one line, exit 2", async () => {
    const bad = spawnJunction(["--log-level", "loud", "validate"], { cwd: dir });
    assert.equal(await bad.exited, 2);
    assert.equal(
      bad.stderr(),
      "junction: --log-level loud: use one of fatal, error, warn, info, debug, trace, silent\n",
    );
    const badEnv = spawnJunction(["run"], { cwd: dir, env: { JUNCTION_LOG_LEVEL: "loud" } });
    assert.equal(await badEnv.exited, 2);
    assert.match(badEnv.stderr(), /^junction: JUNCTION_LOG_LEVEL loud: use one of/);
  });
});
