// `junction bench fleet`: one stream route run by 1 and by 3 bridge processes, with per-key order (a
// partitioned consumer group) against the unordered shared consumer in the same run, on one
// nats-server and the local edge endpoint; then the time from a kill -9 of one of the 3 ordered
// processes to its partitions being served again, against the goal of lease + 2 s.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startLocalAws, startNatsServer } from "@junction/local";
import { connect, type JunctionClient } from "@junction/sdk";
import { partitionConsumer } from "@junction/sdk/partitions";
import { formatBars } from "./bars.ts";
import type { FleetWorkerSetup } from "./fleet-worker.ts";
import { payload } from "./pipeline.ts";
import { startWorkerProcess, type WorkerProcess } from "./worker-process.ts";

export interface FleetBenchResult {
  readonly metric: string;
  readonly processes: number;
  readonly messages: number;
  readonly junction: number;
  readonly baseline: number;
  /** Higher is better: junction/baseline for throughput, baseline/junction for the recovery time. */
  readonly ratio: number;
  readonly unit: string;
}

export interface FleetBenchOptions {
  /** Messages per run (default 20,000), over `keys` keys (default 200). */
  readonly messages?: number;
  readonly keys?: number;
  readonly partitions?: number;
  readonly onResult?: (result: FleetBenchResult) => void;
}

const STREAM = "FLEETBENCH";
const LEASE_MS = 5000;
const ACK_WAIT_MS = 3000;
const encoder = new TextEncoder();

export async function benchFleet(opts: FleetBenchOptions = {}): Promise<FleetBenchResult[]> {
  const messages = opts.messages ?? 20_000;
  const keys = opts.keys ?? 200;
  const partitions = opts.partitions ?? 6;
  const dir = await mkdtemp(join(tmpdir(), "junction-bench-fleet-"));
  const server = await startNatsServer({ jetstream: true, configDir: dir, storeDir: join(dir, "store") });
  const aws = await startLocalAws({ port: 0, functions: {}, baseDir: dir });
  const sqs = new SQSClient({
    region: "us-east-1",
    endpoint: aws.url,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const workers: WorkerProcess[] = [];
  let client: JunctionClient | undefined;
  const results: FleetBenchResult[] = [];
  try {
    client = await connect({ servers: server.url, name: "bench fleet" });
    const js = client.jetstream();
    await js.ensureStream({ name: STREAM, subjects: ["fleet.>"], storage: "file" });
    const acks: Promise<unknown>[] = [];
    for (let i = 0; i < messages; i++) {
      acks.push(js.publish(`fleet.k${i % keys}.${i}`, encoder.encode(payload(i))));
    }
    await Promise.all(acks);
    const jsm = await js.manager();

    let runNo = 0;
    /** One run: `processes` bridges on a fresh route (its own consumers and queue) over the whole stream. */
    const run = async (ordered: boolean, processes: number, kill = false) => {
      const route = `${ordered ? "ordered" : "shared"}${processes}-${++runNo}`;
      await sqs.send(new CreateQueueCommand({ QueueName: route }));
      const config = `nats: { servers: "${server.url}" }
aws: { region: us-east-1, endpoint: "${aws.url}" }
ops: { listen: "127.0.0.1:0" }
fleet: { leaseMs: ${LEASE_MS} }
streams: [{ name: ${STREAM}, subjects: ["fleet.>"], storage: file }]
routes:
  - name: ${route}
    from: { subject: "fleet.{key}.{n}", stream: ${STREAM} }
    retry: { ackWaitMs: ${ACK_WAIT_MS} }
${ordered ? `    key: "{key}"\n    partitions: ${partitions}\n` : ""}    to: [{ type: sqs, queue: ${route} }]
`;
      const started: WorkerProcess[] = [];
      for (let i = 0; i < processes; i++) {
        const setup: FleetWorkerSetup = { natsUrl: server.url, awsUrl: aws.url, config };
        const w = await startWorkerProcess<FleetWorkerSetup>("fleet-worker", `bridge ${i}`, setup);
        workers.push(w);
        started.push(w);
      }
      const consumers = async () =>
        (await jsm.consumers.list(STREAM).next()).filter((c) =>
          ordered ? c.name.startsWith(`${route}-p`) : c.name === route,
        );
      const t0 = performance.now();
      for (const w of started) w.go();
      const killed = kill ? await killOne(route, started, consumers) : undefined;
      for (;;) {
        for (const w of started) if (w !== killed?.victim) w.check();
        const infos = await consumers();
        const complete = infos.length === (ordered ? partitions : 1);
        if (complete && infos.every((c) => c.num_pending === 0 && c.num_ack_pending === 0)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const perSecond = messages / ((performance.now() - t0) / 1000);
      for (const w of started) w.stop();
      return { perSecond, recoveryMs: killed?.ms };
    };

    /** Kills the owner of partition 0 a third of the way in; answers ms until all it owned move on. */
    const killOne = async (
      route: string,
      started: WorkerProcess[],
      consumers: () => Promise<
        { name: string; ack_floor: { stream_seq: number }; num_pending: number; num_ack_pending: number }[]
      >,
    ) => {
      const kv = await (client as JunctionClient).kv<{ owner?: string }>("JUNCTION_GROUPS");
      for (;;) {
        const infos = await consumers();
        const done = infos.reduce((min, c) => Math.min(min, c.ack_floor.stream_seq), messages);
        if (infos.length === partitions && done >= messages / 3) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const owners = await Promise.all(
        Array.from(
          { length: partitions },
          async (_, p) => (await kv.get(`${route}.owner.${p}`))?.value.owner,
        ),
      );
      const pidOf = (owner: string | undefined) => Number(owner?.split("-").at(-2));
      const victim = started.find((w) => w.pid === pidOf(owners[0])) ?? (started[0] as WorkerProcess);
      const theirs = owners.flatMap((o, p) => (pidOf(o) === victim.pid ? [p] : []));
      await victim.kill();
      const killedAt = performance.now();
      // Served again: another member claimed the partition, and its consumer then acked past where it
      // stood at that claim (acks the victim sent just before dying must not count), or has nothing left.
      const floorAtClaim = new Map<number, number>();
      for (;;) {
        const infos = new Map((await consumers()).map((c) => [c.name, c]));
        for (const p of theirs) {
          if (floorAtClaim.has(p)) continue;
          const owner = (await kv.get(`${route}.owner.${p}`))?.value.owner;
          if (owner !== undefined && pidOf(owner) !== victim.pid) {
            floorAtClaim.set(p, infos.get(partitionConsumer(route, p))?.ack_floor.stream_seq ?? 0);
          }
        }
        const moved = theirs.every((p) => {
          const c = infos.get(partitionConsumer(route, p));
          const floor = floorAtClaim.get(p);
          return (
            c !== undefined &&
            floor !== undefined &&
            (c.ack_floor.stream_seq > floor || (c.num_pending === 0 && c.num_ack_pending === 0))
          );
        });
        if (moved) return { ms: performance.now() - killedAt, victim };
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    const result = (r: Omit<FleetBenchResult, "ratio" | "messages">, ratio: number) => {
      const full = { ...r, messages, ratio };
      results.push(full);
      opts.onResult?.(full);
    };
    for (const processes of [1, 3]) {
      const shared = await run(false, processes);
      const ordered = await run(true, processes);
      result(
        {
          metric: "throughput",
          processes,
          junction: ordered.perSecond,
          baseline: shared.perSecond,
          unit: "msg/s",
        },
        ordered.perSecond / shared.perSecond,
      );
    }
    const { recoveryMs = Number.NaN } = await run(true, 3, true);
    const goal = LEASE_MS + 2000;
    result(
      {
        metric: "kill -9 to partitions served again",
        processes: 3,
        junction: recoveryMs,
        baseline: goal,
        unit: "ms",
      },
      goal / recoveryMs,
    );
  } finally {
    for (const w of workers) w.stop();
    await client?.drain().catch(() => undefined);
    sqs.destroy();
    await aws.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

/** `junction bench fleet`: runs the benchmark and prints the table and bar chart. */
export async function runFleetBench(
  out: NodeJS.WritableStream,
  opts: { readonly quick?: boolean },
): Promise<Record<string, unknown>[]> {
  const messages = opts.quick ? 3000 : 20_000;
  out.write(
    `fleet: ${messages.toLocaleString("en-US")} messages over 200 keys, JetStream → SQS, by 1 and by 3 bridge processes\n` +
      "  junction: per-key order across processes (6 partitions, a partitioned consumer group)\n" +
      "  baseline: the unordered shared consumer; recovery against the goal of lease (5 s) + 2 s\n",
  );
  const cell = (s: string, w = 14) => s.padStart(w);
  out.write(`${cell("metric", 38)}${cell("ordered")}${cell("baseline")}${cell("ratio", 9)}\n`);
  const value = (n: number, unit: string) => `${Math.round(n).toLocaleString("en-US")} ${unit}`;
  const results = await benchFleet({
    messages,
    onResult: (r) =>
      out.write(
        `${cell(`${r.metric}, ${r.processes} proc.`, 38)}${cell(value(r.junction, r.unit))}${cell(value(r.baseline, r.unit))}${cell(`${r.ratio.toFixed(2)}×`, 9)}\n`,
      ),
  });
  out.write("\nratio (higher is better)\n");
  out.write(
    formatBars(
      results.map((r) => ({
        label: `${r.metric} (${r.processes})`,
        value: r.ratio,
        text: `${r.ratio.toFixed(2)}×`,
      })),
    ),
  );
  return results.map((r) => ({ ...r }));
}
