// `junction bench payments`: the p99 latency of authorize through gateway → NATS (JetStream, durable
// request/reply) → worker at a fixed 1,000 requests per second, against the same durable request sent
// straight over NATS with the SDK (no HTTP, no gateway), in the same run; and the gateway against a bare
// node:http server making that SDK call (the HTTP floor, payments-worker.ts). The servers and the worker
// run in processes of their own; the load runs here, one open-loop schedule for both sides: a request
// every 1/rate s whatever the answers do (autocannon's rate limit sends each second's share in a burst).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@junction/bridge";
import { startNatsServer } from "@junction/local";
import { connect, type JunctionClient } from "@junction/sdk";
import { Pool } from "undici";
import { formatBars } from "./bars.ts";
import { interleave, median, processCpuMicros } from "./measure.ts";
import { benchScenarios, type ScenarioOptions } from "./payments-scenarios.ts";
import { PAYMENTS_BENCH_CONFIG, type PaymentsWorkerSetup } from "./payments-worker.ts";
import { startWorkerProcess, type WorkerProcess } from "./worker-process.ts";

export interface PaymentsBenchResult {
  readonly metric: string;
  /** The fixed request rate asked for (req/s). */
  readonly rate: number;
  readonly junction: number;
  readonly baseline: number;
  /** Higher is better: baseline/junction for latencies and CPU, junction/baseline for the achieved rate. */
  readonly ratio: number;
  readonly unit: string;
  /** What `baseline` is when it is not the direct SDK call: `bare node:http` (the same call behind a bare server). */
  readonly against?: string;
}

/** The baseline of the rows that compare the gateway with a bare node:http server making the same call. */
export const BARE_HTTP = "bare node:http";

export interface PaymentsBenchOptions {
  /** Requests per second; default 1,000. */
  readonly rate?: number;
  /** Seconds per measured run; default 10. */
  readonly seconds?: number;
  /** Interleaved (gateway, direct) pairs; default 2, medians reported. */
  readonly pairs?: number;
  /**
   * Rates (req/s) to try, in ascending order, for the highest rate each side sustains (p99 within
   * `SWEEP_P99_MS`, at least 95% of the asked rate achieved, no error); none: no sweep.
   */
  readonly sweep?: readonly number[];
  /** Seconds per sweep step; default 3. */
  readonly sweepSeconds?: number;
  /** Capture, sync and refund against their budgets, many in flight, many workers (payments-scenarios.ts). */
  readonly scenarios?: ScenarioOptions;
  readonly onProgress?: (result: PaymentsBenchResult) => void;
}

interface Run {
  readonly p50: number;
  readonly p99: number;
  /** Answers per second achieved. */
  readonly perSecond: number;
}

const SUBJECT = "hyperswitch.payments.m1.authorize";
const AUTHORIZE_PATH = "/v1/payments/m1/authorize";
const body = (i: number) =>
  JSON.stringify({
    paymentId: `pay_${i}`,
    amount: 1250,
    currency: "EUR",
    card: { number: "4242424242424242" },
  });

export async function benchPayments(opts: PaymentsBenchOptions = {}): Promise<PaymentsBenchResult[]> {
  const rate = opts.rate ?? 1000;
  const total = rate * (opts.seconds ?? 10);
  const pairs = Math.max(1, opts.pairs ?? 2);
  const dir = await mkdtemp(join(tmpdir(), "junction-bench-payments-"));
  const server = await startNatsServer({ jetstream: true, configDir: dir, storeDir: join(dir, "store") });
  const natsPid = server.pid;
  const workers: WorkerProcess<string | undefined>[] = [];
  let client: JunctionClient | undefined;
  const pools: Pool[] = [];
  const results: PaymentsBenchResult[] = [];
  try {
    client = await connect({ servers: server.url, name: "bench payments load" });
    for (const stream of loadConfig(PAYMENTS_BENCH_CONFIG, { env: {} }).config.streams) {
      await client.jetstream().ensureStream({ name: stream.name, subjects: stream.subjects });
    }
    const start = (role: PaymentsWorkerSetup["role"]) =>
      startWorkerProcess<PaymentsWorkerSetup, string | undefined>("payments-worker", role, {
        role,
        natsUrl: server.url,
      });
    workers.push(await start("responder"));
    const gateway = await start("gateway");
    workers.push(gateway);
    const bare = await start("bare");
    workers.push(bare);
    let keys = 0; // unique idempotency keys across every run: each request is a new authorization
    const poolOf = (url: string) => {
      const p = new Pool(url, { connections: 256, pipelining: 1, headersTimeout: 10_000 });
      pools.push(p);
      return createPoster(p, url);
    };
    const post = poolOf(`${gateway.info}`);
    const postBare = poolOf(`${bare.info}`);
    const authorize = (i: number) => post(AUTHORIZE_PATH, body(i), `bench-${i}`);
    const viaGateway = (amount: number) => atRate(rate, amount, () => authorize(++keys));
    const viaBare = (amount: number) =>
      atRate(rate, amount, () => {
        const i = ++keys;
        return postBare(AUTHORIZE_PATH, body(i), `bench-${i}`);
      });
    const c = client;
    const direct = (amount: number) =>
      atRate(rate, amount, () => {
        const i = ++keys;
        return c
          .jetstream()
          .durableRequest(SUBJECT, body(i), { idempotencyKey: `bench-${i}`, timeoutMs: 10_000 });
      });
    await viaGateway(Math.min(total, 2000)); // warm-up: JIT, connections, consumer, KV
    await direct(Math.min(total, 2000));
    await viaBare(Math.min(total, 2000));
    // CPU per request of every process on the path: the side that sends the durable request (the
    // gateway's process, or this one's SDK), the worker, nats-server, and this process (the load, and
    // on the gateway side its HTTP client). The total is what bounds the rate one machine sustains.
    const responder = workers[0] as WorkerProcess<string | undefined>;
    // `sender` reads the sending process's CPU; `ownProcess` when that is this one (no second count).
    const measured = async (sender: () => Promise<number>, ownProcess: boolean, run: () => Promise<Run>) => {
      const before = { sender: await sender(), worker: await responder.report(), load: process.cpuUsage() };
      const serverBefore = await processCpuMicros(natsPid);
      const result = await run();
      const load = process.cpuUsage(before.load);
      const perRequest = (micros: number) => micros / total;
      const serverAfter = await processCpuMicros(natsPid);
      const cpu = perRequest((await sender()) - before.sender);
      const worker = perRequest((await responder.report()) - before.worker);
      const server =
        serverBefore === undefined || serverAfter === undefined
          ? Number.NaN
          : perRequest(serverAfter - serverBefore);
      const all = cpu + worker + server + (ownProcess ? 0 : perRequest(load.user + load.system));
      return { ...result, cpu, worker, server, all };
    };
    const ownCpu = async () => {
      const used = process.cpuUsage();
      return used.user + used.system;
    };
    const viaGatewayMeasured = () =>
      measured(
        () => gateway.report(),
        false,
        () => viaGateway(total),
      );
    const runs = await interleave(pairs, viaGatewayMeasured, () =>
      measured(ownCpu, true, () => direct(total)),
    );
    // The gateway against the HTTP floor: a bare node:http server making the same SDK call.
    const floor = await interleave(pairs, viaGatewayMeasured, () =>
      measured(
        () => bare.report(),
        false,
        () => viaBare(total),
      ),
    );
    for (const w of workers) w.check();
    type Measured = (typeof runs.junction)[number];
    const report = (
      metric: string,
      value: (r: Measured) => number,
      unit: string,
      sides: { junction: Measured[]; baseline: Measured[] } = runs,
      against?: string,
    ) => {
      const junction = median(sides.junction.map(value));
      const baseline = median(sides.baseline.map(value));
      const ratio = unit === "req/s" ? junction / baseline : baseline / junction;
      const r = {
        metric,
        rate,
        junction,
        baseline,
        ratio,
        unit,
        ...(against === undefined ? {} : { against }),
      };
      results.push(r);
      opts.onProgress?.(r);
    };
    report("latency p50", (r) => r.p50, "µs");
    report("latency p99", (r) => r.p99, "µs");
    report("achieved rate", (r) => r.perSecond, "req/s");
    report("sender CPU per request", (r) => r.cpu, "µs CPU");
    report("worker CPU per request", (r) => r.worker, "µs CPU");
    if ([...runs.junction, ...runs.baseline].every((r) => Number.isFinite(r.server))) {
      report("nats-server CPU per request", (r) => r.server, "µs CPU");
      report("CPU per request, all processes", (r) => r.all, "µs CPU");
    }
    report("latency p99", (r) => r.p99, "µs", floor, BARE_HTTP);
    report("sender CPU per request", (r) => r.cpu, "µs CPU", floor, BARE_HTTP);
    if (opts.scenarios !== undefined) {
      const scenarios = await benchScenarios({ client, post, atRate, next: () => ++keys }, opts.scenarios);
      for (const s of scenarios) {
        const r = { ...s, rate };
        results.push(r);
        opts.onProgress?.(r);
      }
      for (const w of workers) w.check();
    }
    if (opts.sweep !== undefined && opts.sweep.length > 0) {
      const steps = opts.sweep;
      const seconds = opts.sweepSeconds ?? 3;
      const gatewayMax = await highestSustained(steps, seconds, (r, n) =>
        atRate(r, n, () => authorize(++keys)),
      );
      const directMax = await highestSustained(steps, seconds, (r, n) =>
        atRate(r, n, () => {
          const i = ++keys;
          return c
            .jetstream()
            .durableRequest(SUBJECT, body(i), { idempotencyKey: `bench-${i}`, timeoutMs: 10_000 });
        }),
      );
      const r = {
        metric: `highest rate with p99 ≤ ${SWEEP_P99_MS} ms`,
        rate: steps[steps.length - 1] as number,
        junction: gatewayMax,
        baseline: directMax,
        ratio: directMax === 0 ? 0 : gatewayMax / directMax,
        unit: "req/s",
      };
      results.push(r);
      opts.onProgress?.(r);
    }
  } finally {
    for (const p of pools) await p.close();
    for (const w of workers) w.stop();
    await client?.drain().catch(() => undefined);
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

/** The p99 a rate must keep to count as sustained in the sweep. */
export const SWEEP_P99_MS = 50;

/**
 * The highest of `rates` (ascending) at which `run` keeps p99 ≤ SWEEP_P99_MS and achieves 95% of the
 * rate without an error; the sweep stops at the first rate that fails. 0 when none holds.
 */
async function highestSustained(
  rates: readonly number[],
  seconds: number,
  run: (rate: number, amount: number) => Promise<Run>,
): Promise<number> {
  let best = 0;
  for (const rate of rates) {
    const result = await run(rate, rate * seconds).catch(() => undefined);
    if (result === undefined || result.p99 > SWEEP_P99_MS * 1000 || result.perSecond < rate * 0.95) break;
    best = rate;
    // Let the previous step's backlog (acks, KV writes) settle before the next.
    await new Promise((r) => setTimeout(r, 500));
  }
  return best;
}

/** Sends `amount` calls at `rate` per second (open loop: a slow answer does not delay the next send). */
async function atRate(rate: number, amount: number, send: () => Promise<unknown>): Promise<Run> {
  const samples = new Float64Array(amount);
  let done = 0;
  let failed: unknown;
  let sent = 0;
  const started = performance.now();
  let last = started;
  await new Promise<void>((resolve) => {
    const settle = () => {
      last = performance.now();
      if (++done === amount) resolve();
    };
    const tick = () => {
      const due = Math.min(amount, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
      while (sent < due) {
        const at = performance.now();
        const i = sent++;
        send().then(
          () => {
            samples[i] = (performance.now() - at) * 1000;
            settle();
          },
          (err: unknown) => {
            failed ??= err;
            settle();
          },
        );
      }
      if (sent < amount) setTimeout(tick, 1);
    };
    tick();
  });
  if (failed !== undefined) throw new Error(`a request failed: ${failed}`, { cause: failed });
  return summarize(samples, amount, last - started);
}

/**
 * POSTs JSON over keep-alive loopback connections; resolves on a 200, fails on anything else. undici's
 * pool, not node:http's client: the load runs on the same two cores as what it measures, and node:http
 * spent about as much CPU per request as the gateway itself.
 */
function createPoster(pool: Pool, base: string): (path: string, data: string, key?: string) => Promise<void> {
  return async (path, data, key) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (key !== undefined) headers["idempotency-key"] = key;
    const res = await pool.request({ path, method: "POST", headers, body: data });
    await res.body.dump();
    if (res.statusCode !== 200) throw new Error(`${base}${path}: HTTP ${res.statusCode}`);
  };
}

function summarize(samples: Float64Array, n: number, elapsedMs: number): Run {
  const sorted = samples.subarray(0, n).sort();
  const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), perSecond: n / (elapsedMs / 1000) };
}

/** The scenario rows: measured against a budget or a count asked for, not against direct NATS. */
const isScenario = (r: PaymentsBenchResult) =>
  r.unit === "ms" || ["ops", "workers", "commands"].includes(r.unit);

/** `junction bench payments`: runs the benchmark and prints the table and bar chart. */
export async function runPaymentsBench(
  out: NodeJS.WritableStream,
  opts: { readonly quick?: boolean },
): Promise<Record<string, unknown>[]> {
  const seconds = opts.quick ? 3 : 10;
  out.write(
    `payments: authorize (durable: JetStream + outcome in KV + worker) at a fixed 1,000 req/s for ${seconds} s\n` +
      "  then capture, sync and refund against their p99 budgets, durable operations all in flight at once,\n" +
      "  and 50 workers of one operation sharing its commands\n" +
      "  junction: HTTP POST → gateway (as `junction up` serves the catalogue) → NATS → worker → HTTP reply\n" +
      "  baseline: the same durable request straight over NATS with the SDK (no HTTP, no gateway)\n" +
      `  ${BARE_HTTP}: a bare node:http server making that SDK call (the HTTP floor any gateway stands on)\n`,
  );
  const cell = (s: string, w = 16) => s.padStart(w);
  if (!opts.quick)
    out.write(
      `  then each side alone at 1,000 to 4,000 req/s, 3 s a step, for the highest rate with p99 ≤ ${SWEEP_P99_MS} ms\n`,
    );
  out.write(`${cell("metric", 32)}${cell("gateway")}${cell("direct NATS")}${cell("ratio", 9)}\n`);
  let scenarioHeader = false;
  let bareHeader = false;
  const results = await benchPayments({
    seconds,
    ...(opts.quick ? { pairs: 1 } : { sweep: [1000, 1500, 2000, 2500, 3000, 3500, 4000] }),
    scenarios: opts.quick ? { rate: 100, seconds: 2, inFlight: 2000, sharedCommands: 500 } : {},
    onProgress: (r) => {
      const value = (n: number) =>
        r.unit === "µs"
          ? `${(n / 1000).toFixed(2)} ms`
          : r.unit === "ms"
            ? `${n.toFixed(2)} ms`
            : `${Math.round(n).toLocaleString("en-US")} ${r.unit}`;
      if (r.against !== undefined && !bareHeader) {
        bareHeader = true;
        out.write(`\n${cell("metric", 32)}${cell("gateway")}${cell(r.against)}${cell("ratio", 9)}\n`);
      }
      if (isScenario(r) && !scenarioHeader) {
        scenarioHeader = true;
        out.write(`\n${cell("scenario", 48)}${cell("measured")}${cell("budget/asked")}${cell("ratio", 9)}\n`);
      }
      out.write(
        `${cell(r.metric.startsWith("highest") || isScenario(r) ? r.metric : `${r.metric} @${r.rate}/s`, isScenario(r) ? 48 : 32)}${cell(value(r.junction))}${cell(value(r.baseline))}${cell(`${r.ratio.toFixed(2)}×`, 9)}\n`,
      );
    },
  });
  out.write("\nratio (1.00 = as fast as the direct NATS call, or the bare server; higher is better)\n");
  out.write(
    formatBars(
      results.map((r) => ({
        label: r.against === undefined ? r.metric : `${r.metric} vs ${r.against}`,
        value: r.ratio,
        text: `${r.ratio.toFixed(2)}×`,
      })),
    ),
  );
  const p99 = results.find((r) => r.metric === "latency p99");
  if (p99 !== undefined) {
    out.write(
      `\np99 of authorize through gateway → NATS → worker at ${p99.rate} req/s: ${(p99.junction / 1000).toFixed(2)} ms` +
        ` (direct NATS: ${(p99.baseline / 1000).toFixed(2)} ms)\n`,
    );
  }
  return results.map((r) => ({ ...r }));
}
