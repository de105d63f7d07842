// For tests of `junction run` as a process: a real nats-server (or a 3-node JetStream cluster), the
// real local edge endpoint (behind a TCP proxy the test can take down), a provisioned config, and
// `junction run` processes started on demand.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { type LocalAws, startLocalAws } from "@junction/local";
import { connect, type JunctionClient } from "@junction/sdk";
import {
  type JunctionProcess,
  spawnJunction,
  startTcpProxy,
  startTestCluster,
  startTestNats,
  type TcpProxy,
  type TestCluster,
  type TestNats,
} from "@junction/testkit";

export interface RunStack {
  /** Where `junction.yaml` is (the working directory of the processes). */
  readonly dir: string;
  /** The single server, or the cluster (`{ cluster: true }`). */
  readonly nats: TestNats | TestCluster;
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

/**
 * `body` is the config after its nats, aws and ops lines (streams, routes, inbound …); it is
 * provisioned. `cluster`: a 3-node JetStream cluster instead of one server (every node in `servers`).
 */
export async function startRunStack(
  body: string,
  options: { readonly cluster?: boolean } = {},
): Promise<RunStack> {
  const dir = mkdtempSync(join(tmpdir(), "junction-run-"));
  const nats = options.cluster ? await startTestCluster() : await startTestNats();
  const servers = "urls" in nats ? nats.urls : [nats.url];
  const aws = await startLocalAws({ port: 0, functions: {}, baseDir: dir });
  const proxy = await startTcpProxy(aws.port);
  const sqs = new SQSClient({
    endpoint: aws.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const client = await connect({ servers: [...servers] });
  const running: JunctionProcess[] = [];
  writeFileSync(
    join(dir, "junction.yaml"),
    `nats: { servers: ${JSON.stringify(servers)} }\naws: { region: us-east-1, endpoint: "${proxy.url}" }\nops: { listen: "127.0.0.1:0" }\n${body}`,
  );
  const dispose = async () => {
    for (const p of running) await p.kill();
    await client.drain();
    sqs.destroy();
    await proxy.close();
    await aws.close();
    await nats.dispose();
    rmSync(dir, { recursive: true, force: true });
  };
  const provision = spawnJunction(["provision", "-c", "junction.yaml"], { cwd: dir, env });
  const provisioned = await provision.exited;
  if (provisioned !== 0) {
    await dispose(); // the caller gets no handle to clean up with
    assert.fail(`junction provision exited ${provisioned}:\n${provision.output()}`);
  }
  return {
    dir,
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
    dispose,
  };
}

/** A sample from Prometheus text: the first line of `name` whose labels start with `labels`. */
export function metric(text: string, name: string, labels = ""): number {
  const prefix = labels === "" ? `${name} ` : `${name}{${labels}`;
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line === undefined ? 0 : Number(line.split(" ").pop());
}

/** Every message in the queue, received and deleted until 3 s pass with nothing new. One poller keeps FIFO order. */
export async function drainQueue(sqs: SQSClient, url: string, pollers = 4): Promise<Message[]> {
  const all: Message[] = [];
  let last = Date.now();
  const poller = async () => {
    while (Date.now() - last < 3000) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (Messages.length === 0) continue;
      last = Date.now();
      all.push(...Messages);
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: pollers }, poller));
  return all;
}

/** True once every partition consumer of `route` (`<route>-p<n>`) has nothing pending or unacked. */
export async function partitionsDone(client: JunctionClient, stream: string, route: string) {
  const jsm = await client.jetstream().manager();
  const infos = (await jsm.consumers.list(stream).next()).filter((c) => c.name.startsWith(`${route}-p`));
  const left = infos.reduce((sum, i) => sum + i.num_pending + i.num_ack_pending, 0);
  return (infos.length > 0 && left === 0) || `${left} left in ${infos.length} partitions`;
}
