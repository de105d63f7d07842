// For tests of `junction run` as a process: a real nats-server, the real local edge endpoint (behind a
// TCP proxy the test can take down), a provisioned config, and `junction run` started on demand.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQSClient } from "@aws-sdk/client-sqs";
import { type LocalAws, startLocalAws } from "@junction/local";
import { connect, type JunctionClient } from "@junction/sdk";
import {
  type JunctionProcess,
  spawnJunction,
  startTcpProxy,
  startTestNats,
  type TcpProxy,
  type TestNats,
} from "@junction/testkit";

export interface RunStack {
  readonly nats: TestNats;
  readonly aws: LocalAws;
  /** In front of `aws`: the bridge's way to AWS. */
  readonly proxy: TcpProxy;
  /** Straight to the edge endpoint, for the test's own reads. */
  readonly sqs: SQSClient;
  readonly client: JunctionClient;
  /** `junction run`, once it serves; `metrics()` reads its /metrics. */
  startRun(): Promise<{ run: JunctionProcess; metrics: () => Promise<string> }>;
  dispose(): Promise<void>;
}

const env = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", JUNCTION_LOG_LEVEL: "info" };

/** `body` is the config after its nats, aws and ops lines (streams, routes, inbound …); it is provisioned. */
export async function startRunStack(body: string): Promise<RunStack> {
  const dir = mkdtempSync(join(tmpdir(), "junction-run-"));
  const nats = await startTestNats();
  const aws = await startLocalAws({ port: 0, functions: {}, baseDir: dir });
  const proxy = await startTcpProxy(aws.port);
  const sqs = new SQSClient({
    endpoint: aws.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const client = await connect(nats.url);
  const running: JunctionProcess[] = [];
  writeFileSync(
    join(dir, "junction.yaml"),
    `nats: { servers: "${nats.url}" }\naws: { region: us-east-1, endpoint: "${proxy.url}" }\nops: { listen: "127.0.0.1:0" }\n${body}`,
  );
  const provision = spawnJunction(["provision", "-c", "junction.yaml"], { cwd: dir, env });
  assert.equal(await provision.exited, 0, provision.output());
  return {
    nats,
    aws,
    proxy,
    sqs,
    client,
    async startRun() {
      const run = spawnJunction(["run", "-c", "junction.yaml"], { cwd: dir, env });
      running.push(run);
      const [, ops] = await run.waitForOutput(/"ops":"(http:\/\/127\.0\.0\.1:\d+)"/);
      return { run, metrics: async () => (await fetch(`${ops}/metrics`)).text() };
    },
    async dispose() {
      for (const p of running) await p.kill();
      await client.drain();
      sqs.destroy();
      await proxy.close();
      await aws.close();
      await nats.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A sample from Prometheus text: the first line of `name` whose labels start with `labels`. */
export function metric(text: string, name: string, labels = ""): number {
  const prefix = labels === "" ? `${name} ` : `${name}{${labels}`;
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line === undefined ? 0 : Number(line.split(" ").pop());
}
