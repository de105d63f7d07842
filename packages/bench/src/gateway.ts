// `junction bench gateway`: HTTP → NATS request/reply through Junction's gateway against a bare
// node:http server doing the same NATS request with raw nats.js, in the same run, with autocannon over
// loopback. Each server runs in its own process; the echo responder and autocannon run here.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNatsServer } from "@junction/local";
import { connect as connectRaw } from "@nats-io/transport-node";
import autocannon from "autocannon";
import { formatBars } from "./bars.ts";
import type { GatewayWorkerSetup } from "./gateway-worker.ts";
import { interleave, median } from "./measure.ts";
import { startWorkerProcess, type WorkerProcess } from "./worker-process.ts";

export interface GatewayBenchResult {
  readonly metric: string;
  /** Concurrent connections autocannon keeps busy. */
  readonly connections: number;
  /** For latencies: the fixed request rate (req/s) they were measured at. */
  readonly rate?: number;
  readonly junction: number;
  readonly baseline: number;
  /** Higher is better: junction/baseline for throughput, baseline/junction for latency and CPU. */
  readonly ratio: number;
  /** For latencies and CPU: what the gateway adds, junction − baseline, in `unit`. */
  readonly added?: number;
  readonly unit: string;
}

export interface GatewayBenchOptions {
  /** Requests per throughput run; default 40,000. */
  readonly requests?: number;
  /** Requests per latency run; default 10,000. */
  readonly latencyRequests?: number;
  /** Connections of the throughput runs; default 64. */
  readonly connections?: number;
  /** Interleaved (junction, baseline) pairs; default 3, medians reported. */
  readonly pairs?: number;
  readonly onProgress?: (result: GatewayBenchResult) => void;
}

/** The subject both servers request; the echo responder here answers it. */
const ECHO_SUBJECT = "bench.echo";

// A 128-byte JSON document, as in `junction bench sdk`.
const BODY = JSON.stringify({ id: "x".repeat(20), kind: "bench", items: [1, 2, 3], text: "y".repeat(62) });
// Latencies are measured at a moderate, fixed load: this share of the bare server's throughput.
const MODERATE = 0.25;
const LATENCY_CONNECTIONS = 8;

export async function benchGateway(opts: GatewayBenchOptions = {}): Promise<GatewayBenchResult[]> {
  const requests = opts.requests ?? 40_000;
  const latencyRequests = opts.latencyRequests ?? 10_000;
  const connections = opts.connections ?? 64;
  const pairs = Math.max(1, opts.pairs ?? 3);
  const dir = await mkdtemp(join(tmpdir(), "junction-bench-gateway-"));
  const server = await startNatsServer({ jetstream: false, configDir: dir });
  const responder = await connectRaw({ servers: server.url, name: "bench echo" });
  const workers: WorkerProcess<string>[] = [];
  const results: GatewayBenchResult[] = [];
  const report = (r: GatewayBenchResult) => {
    results.push(r);
    opts.onProgress?.(r);
  };
  try {
    // Both sides ask the same responder, which echoes the body.
    responder.subscribe(ECHO_SUBJECT, {
      callback: (_err, msg) => {
        msg.respond(msg.data);
      },
    });
    await responder.flush();
    for (const side of ["junction", "baseline"] as const) {
      workers.push(
        await startWorkerProcess<GatewayWorkerSetup, string>("gateway-worker", side, {
          side,
          natsUrl: server.url,
          subject: ECHO_SUBJECT,
        }),
      );
    }
    const [j, b] = workers.map((w) => ({ url: w.info, cpu: () => w.report() })) as [Worker, Worker];
    for (const w of [j, b]) await load(w.url, { connections, amount: Math.min(requests, 5_000) }); // warm-up

    // Throughput runs also take the server's CPU time per request, which depends much less than req/s
    // on what else the machine is doing.
    const measured = async (w: Worker) => {
      const before = await w.cpu();
      const run = await load(w.url, { connections, amount: requests });
      return { ...run, cpuPerRequest: ((await w.cpu()) - before) / requests };
    };
    const tput = await interleave(
      pairs,
      () => measured(j),
      () => measured(b),
    );
    const throughput = summary("throughput", tput, (r) => r.perSecond, "req/s", { connections });
    report(throughput);
    report(summary("cpu per request", tput, (r) => r.cpuPerRequest, "µs", { connections }));

    const rate = Math.max(100, Math.round((throughput.baseline * MODERATE) / 100) * 100);
    const fixed = { connections: LATENCY_CONNECTIONS, amount: latencyRequests, overallRate: rate };
    const lat = await interleave(
      pairs,
      () => load(j.url, fixed),
      () => load(b.url, fixed),
    );
    for (const q of ["p50", "p99"] as const) {
      report(summary(`latency ${q}`, lat, (r) => r[q], "µs", { connections: LATENCY_CONNECTIONS, rate }));
    }
  } finally {
    for (const w of workers) w.stop();
    await responder.close().catch(() => undefined);
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

/**
 * Medians of both sides. Rates are better higher (ratio junction/baseline); times are better lower
 * (ratio baseline/junction, and `added` says how much the gateway adds).
 */
function summary<R>(
  metric: string,
  runs: { junction: R[]; baseline: R[] },
  value: (run: R) => number,
  unit: string,
  at: { connections: number; rate?: number },
): GatewayBenchResult {
  const junction = median(runs.junction.map(value));
  const baseline = median(runs.baseline.map(value));
  if (unit === "req/s") return { metric, ...at, junction, baseline, ratio: junction / baseline, unit };
  return { metric, ...at, junction, baseline, ratio: baseline / junction, added: junction - baseline, unit };
}

interface Run {
  readonly perSecond: number;
  /** Latency percentiles in µs, from every response's own time (autocannon's histogram has 1 ms steps). */
  readonly p50: number;
  readonly p99: number;
}

/** One autocannon run of POST /echo; every answer must be a 2xx, or the benchmark fails. */
function load(
  url: string,
  options: { connections: number; amount: number; overallRate?: number },
): Promise<Run> {
  const samples = new Float64Array(options.amount);
  let n = 0;
  const started = performance.now();
  let last = started;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: BODY,
        timeout: 10,
        ...options,
      },
      (err, result) => {
        if (err) return reject(err);
        // autocannon notices the last answer only on its next 1 s tick: time up to that answer instead.
        const seconds = (last - started) / 1000;
        if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
          const what = `${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`;
          return reject(new Error(`${url}: ${what} in ${result.requests.total} requests`));
        }
        const sorted = samples.subarray(0, n).sort();
        const at = (q: number) => (sorted[Math.min(n - 1, Math.floor(q * n))] ?? 0) * 1000;
        resolve({ perSecond: n / seconds, p50: at(0.5), p99: at(0.99) });
      },
    );
    instance.on("response", (_client, _status, _bytes, ms) => {
      last = performance.now();
      if (n < samples.length) samples[n++] = ms;
    });
  });
}

interface Worker {
  readonly url: string;
  /** CPU time the server process used so far, in µs. */
  cpu(): Promise<number>;
}

/** `junction bench gateway`: runs the benchmark and prints the table and bar chart. */
export async function runGatewayBench(
  out: NodeJS.WritableStream,
  opts: { readonly quick?: boolean },
): Promise<Record<string, unknown>[]> {
  out.write(
    "gateway: POST of 128 B JSON → NATS request → echo → HTTP reply, autocannon over loopback\n" +
      "  junction: Junction's gateway (fastify, as `junction up` runs it: no access log lines)\n" +
      "  baseline: a bare node:http server doing the same request with raw nats.js\n",
  );
  const cell = (s: string, w = 16) => s.padStart(w);
  out.write(`${cell("metric", 26)}${cell("junction")}${cell("baseline")}${cell("ratio", 9)}\n`);
  const results = await benchGateway({
    ...(opts.quick ? { requests: 3_000, latencyRequests: 1_000, pairs: 1 } : {}),
    onProgress: (r) => {
      const value = (n: number) => `${Math.round(n).toLocaleString("en-US")} ${r.unit}`;
      out.write(
        `${cell(r.rate === undefined ? `${r.metric} (${r.connections} conn)` : `${r.metric} @${r.rate}/s`, 26)}` +
          `${cell(value(r.junction))}${cell(value(r.baseline))}${cell(`${r.ratio.toFixed(2)}×`, 9)}\n`,
      );
    },
  });
  out.write("\nratio (1.00 = as fast as the bare server; higher is better)\n");
  out.write(
    formatBars(results.map((r) => ({ label: r.metric, value: r.ratio, text: `${r.ratio.toFixed(2)}×` }))),
  );
  const p99 = results.find((r) => r.metric === "latency p99");
  const tput = results.find((r) => r.metric === "throughput");
  if (p99?.added !== undefined && tput !== undefined) {
    out.write(
      `\nthroughput ${(tput.ratio * 100).toFixed(0)}% of the bare server (goal ≥ 80%); ` +
        `p99 added latency ${(p99.added / 1000).toFixed(2)} ms at ${p99.rate} req/s (goal ≤ 1 ms)\n`,
    );
  }
  return results.map((r) => ({ ...r }));
}
