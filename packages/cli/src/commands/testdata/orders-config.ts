// For tests of commands against `junction run` with its AWS side down: a real nats-server
// with stream ORDERS (`orders.>`), and a directory whose junction.yaml points at it, at an AWS endpoint
// where nothing listens (every call fails as an outage) and at a free ops port.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type JunctionClient } from "@junction/sdk";
import {
  freePorts,
  type JunctionProcess,
  spawnJunction,
  startTestNats,
  type TestNats,
} from "@junction/testkit";

export interface OrdersConfig {
  readonly nats: TestNats;
  readonly client: JunctionClient;
  /** Holds junction.yaml: start `junction run` here. */
  readonly dir: string;
  /** The ops endpoint `junction run` will listen on. */
  readonly ops: string;
  /** `junction run` in `dir` (with dummy AWS credentials), once its bridge runs; `dispose()` ends it. */
  startRun(): Promise<JunctionProcess>;
  dispose(): Promise<void>;
}

/** `body` is the config after its nats, aws, ops and streams lines (routes …). */
export async function writeOrdersConfig(body: string): Promise<OrdersConfig> {
  const nats = await startTestNats();
  const client = await connect(nats.url);
  await (await client.jetstream().manager()).streams.add({ name: "ORDERS", subjects: ["orders.>"] });
  const dir = mkdtempSync(join(tmpdir(), "junction-orders-"));
  const [opsPort, deadAws] = await freePorts(2);
  writeFileSync(
    join(dir, "junction.yaml"),
    `nats: { servers: "${nats.url}" }
aws: { region: us-east-1, endpoint: "http://127.0.0.1:${deadAws}" }
ops: { listen: "127.0.0.1:${opsPort}" }
streams:
  - { name: ORDERS, subjects: ["orders.>"] }
${body}`,
  );
  const running: JunctionProcess[] = [];
  return {
    nats,
    client,
    dir,
    ops: `http://127.0.0.1:${opsPort}`,
    async startRun() {
      const run = spawnJunction(["run"], {
        cwd: dir,
        env: { AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "x" },
      });
      running.push(run);
      await run.waitForOutput(/bridge running/, 60_000);
      return run;
    },
    async dispose() {
      for (const run of running) await run.kill();
      await client.drain();
      await nats.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
