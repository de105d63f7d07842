// `junction bench sdk`: the SDK against raw nats.js, in the same run, on one embedded nats-server.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNatsServer } from "@junction/local";
import { connect, newMessageId } from "@junction/sdk";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect as connectRaw } from "@nats-io/transport-node";
import { sequentialLatency, windowedThroughput } from "./async-measure.ts";
import { interleave, median } from "./measure.ts";

export interface SdkBenchResult {
  readonly metric: string;
  readonly inFlight: number;
  readonly junction: number;
  readonly baseline: number;
  /** Higher is better: junction/baseline for throughput, baseline/junction for latency. */
  readonly ratio: number;
  readonly unit: string;
}

export interface SdkBenchOptions {
  /** Requests per throughput run; default 20,000. */
  readonly requests?: number;
  /** Sequential requests per latency run; default 5,000 (p99 needs samples). */
  readonly sequential?: number;
  /** JetStream messages per publish run; default 20,000. */
  readonly messages?: number;
  /** Interleaved (junction, baseline) pairs; default 3, medians reported. */
  readonly pairs?: number;
  readonly onProgress?: (result: SdkBenchResult) => void;
}

// A 128-byte JSON payload, as in the reference measurements.
const DOC = { id: "x".repeat(20), kind: "bench", items: [1, 2, 3], text: "y".repeat(62) };

export async function benchSdk(opts: SdkBenchOptions = {}): Promise<SdkBenchResult[]> {
  const requests = opts.requests ?? 20_000;
  const sequential = opts.sequential ?? 5_000;
  const messages = opts.messages ?? 20_000;
  const pairs = Math.max(1, opts.pairs ?? 3);
  const dir = await mkdtemp(join(tmpdir(), "junction-bench-"));
  const server = await startNatsServer({ storeDir: join(dir, "store"), configDir: dir });
  const raw = await connectRaw({ servers: server.url });
  const client = await connect({ servers: server.url });
  const results: SdkBenchResult[] = [];
  const report = (r: SdkBenchResult) => {
    results.push(r);
    opts.onProgress?.(r);
  };
  try {
    // Both sides do the same application work: the requester encodes JSON and decodes the JSON reply,
    // the responder decodes the request and answers with it re-encoded. The difference is the SDK.
    raw.subscribe("bench.raw", {
      callback: (_err, msg) => {
        msg.respond(JSON.stringify(msg.json()));
      },
    });
    await client.serve("bench.sdk", (ctx) => ctx.data);
    await raw.flush();

    const sdkRequest = async () => (await client.request("bench.sdk", DOC)).decode();
    const rawRequest = async () =>
      (await raw.request("bench.raw", JSON.stringify(DOC), { timeout: 5000 })).json();
    await windowedThroughput(sdkRequest, 2_000, 64); // warm-up: JIT and connections
    await windowedThroughput(rawRequest, 2_000, 64);

    const tput = await interleave(
      pairs,
      () => windowedThroughput(sdkRequest, requests, 64),
      () => windowedThroughput(rawRequest, requests, 64),
    );
    report({ metric: "request/reply throughput", inFlight: 64, ...higherIsBetter(tput), unit: "req/s" });

    const lat = await interleave(
      pairs,
      () => sequentialLatency(sdkRequest, sequential),
      () => sequentialLatency(rawRequest, sequential),
    );
    for (const q of ["p50", "p99"] as const) {
      const junction = median(lat.junction.map((l) => l[q]));
      const baseline = median(lat.baseline.map((l) => l[q]));
      report({
        metric: `request/reply latency ${q}`,
        inFlight: 1,
        junction,
        baseline,
        ratio: baseline / junction,
        unit: "µs",
      });
    }

    const jsm = await jetstreamManager(raw);
    await jsm.streams.add({ name: "BENCH", subjects: ["bench.js.>"] });
    const js = jetstream(raw);
    const sdkJs = client.jetstream();
    const sdkPublish = () => sdkJs.publish("bench.js.sdk", DOC);
    // The baseline also sets a message id, so the server does the same dedup work for both.
    const rawPublish = () => js.publish("bench.js.raw", JSON.stringify(DOC), { msgID: newMessageId() });
    await windowedThroughput(sdkPublish, 2_000, 256);
    await windowedThroughput(rawPublish, 2_000, 256);
    const pub = await interleave(
      pairs,
      () => windowedThroughput(sdkPublish, messages, 256),
      () => windowedThroughput(rawPublish, messages, 256),
      () => jsm.streams.purge("BENCH").then(() => undefined),
    );
    report({ metric: "jetstream publish throughput", inFlight: 256, ...higherIsBetter(pub), unit: "msgs/s" });
  } finally {
    await client.drain().catch(() => undefined);
    await raw.close().catch(() => undefined);
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

function higherIsBetter(runs: { junction: number[]; baseline: number[] }) {
  const junction = median(runs.junction);
  const baseline = median(runs.baseline);
  return { junction, baseline, ratio: junction / baseline };
}
