import { CliExit, ExitCode, progressBar } from "junction/bench-support";
import { formatBars } from "./bars.ts";
import { benchBridge } from "./bridge.ts";
import { runFleetBench } from "./fleet.ts";
import { runGatewayBench } from "./gateway.ts";
import { benchInbound } from "./inbound.ts";
import { runLocal } from "./local.ts";
import { runPaymentsBench } from "./payments.ts";
import type { PipelineBenchOptions, PipelineResult } from "./pipeline.ts";
import { type BenchSection, writeReport } from "./report.ts";
import { benchRoutes } from "./routes.ts";
import { benchSdk } from "./sdk.ts";
import { benchTracing } from "./tracing.ts";

/** The options of `junction bench`, as the CLI parsed them. */
export interface BenchOptions {
  readonly json?: boolean;
  readonly duration: string;
  readonly quick?: boolean;
  readonly report: string;
}

type Out = NodeJS.WritableStream;
type Runner = (out: Out, opts: BenchOptions) => Promise<Record<string, unknown>[]>;

const BENCHES: Record<string, Runner> = {
  bridge: runBridge,
  fleet: runFleetBench,
  inbound: runInbound,
  local: runLocal,
  gateway: runGatewayBench,
  payments: runPaymentsBench,
  routes: runRoutes,
  sdk: runSdk,
  tracing: runTracing,
};

/** The benchmarks `junction bench <name>` runs, in the order `all` runs them. */
export const BENCH_NAMES = Object.keys(BENCHES);

/** Runs one benchmark (or `all`, then writes the report), printing to stdout; the CLI parsed the options. */
export async function runBench(name: string, opts: BenchOptions): Promise<void> {
  if (name === "all") {
    const sections: BenchSection[] = [];
    for (const [bench, run] of Object.entries(BENCHES)) {
      process.stdout.write(`\n━━ junction bench ${bench} ━━\n`);
      sections.push({ name: bench, results: await run(process.stdout, opts) });
    }
    const file = writeReport(opts.report, sections, { quick: opts.quick === true });
    process.stdout.write(`\nreport: ${file}\n`);
    if (opts.json) process.stdout.write(`${JSON.stringify({ name, results: sections })}\n`);
    return;
  }
  const run = BENCHES[name];
  if (run === undefined) {
    throw new CliExit(ExitCode.Invalid, `unknown benchmark "${name}" (${BENCH_NAMES.join(", ")})`);
  }
  const results = await run(process.stdout, opts);
  if (opts.json) process.stdout.write(`${JSON.stringify({ name, results })}\n`);
}

async function runRoutes(out: Out, opts: BenchOptions): Promise<Record<string, unknown>[]> {
  const durationMs = Number(opts.duration);
  if (!Number.isFinite(durationMs) || durationMs <= 0) {
    throw new CliExit(ExitCode.Invalid, `--duration ${opts.duration}: use a positive number of ms`);
  }
  out.write("routes: subject lookups/s, Junction's trie vs scanning compiled regular expressions\n");
  out.write(row(["routes", "junction/s", "regex scan/s", "ratio"]));
  const results = await benchRoutes({
    durationMs: opts.quick ? Math.min(durationMs, 50) : durationMs,
    ...(opts.quick ? { pairs: 1 } : {}),
    onProgress: (r) =>
      out.write(row([String(r.routes), fmt(r.junction), fmt(r.baseline), `${r.ratio.toFixed(1)}×`])),
  });
  out.write("\ntrie lookups/s (flat is good: cost follows subject length, not route count)\n");
  out.write(
    formatBars(
      results.map((r) => ({ label: `${r.routes} routes`, value: r.junction, text: fmt(r.junction) })),
    ),
  );
  out.write("\nspeed-up over the regex scan (log scale)\n");
  out.write(
    formatBars(
      results.map((r) => ({ label: `${r.routes} routes`, value: r.ratio, text: `${r.ratio.toFixed(1)}×` })),
      { log: true },
    ),
  );
  const rates = results.map((r) => r.junction);
  out.write(
    `\ntrie throughput spread across sizes: ${(Math.max(...rates) / Math.min(...rates)).toFixed(2)}× (max/min)\n`,
  );
  return results.map((r) => ({ ...r, unit: "lookups/s" }));
}

async function runSdk(out: Out, opts: BenchOptions): Promise<Record<string, unknown>[]> {
  out.write("sdk: Junction SDK vs raw nats.js on one embedded nats-server (128-byte JSON payloads)\n");
  out.write(row(["metric", "junction", "raw nats.js", "ratio"], 34));
  const results = await benchSdk({
    ...(opts.quick ? { requests: 2_000, sequential: 300, messages: 2_000, pairs: 1 } : {}),
    onProgress: (r) =>
      out.write(
        row([`${r.metric} (${r.unit})`, fmt(r.junction), fmt(r.baseline), `${r.ratio.toFixed(2)}×`], 34),
      ),
  });
  out.write("\nratio (1.00 = as fast as raw nats.js; higher is better)\n");
  out.write(
    formatBars(results.map((r) => ({ label: r.metric, value: r.ratio, text: `${r.ratio.toFixed(2)}×` }))),
  );
  return results.map((r) => ({ ...r }));
}

async function runBridge(out: Out, opts: BenchOptions): Promise<Record<string, unknown>[]> {
  const messages = opts.quick ? 5_000 : 100_000;
  out.write(
    `bridge: ${fmt(messages)} messages of 256 B, JetStream → SQS (local edge endpoint), at least once\n` +
      "  junction: `junction run`'s bridge; naive: pull consumer → SendMessageBatch(10), 16 in flight → ack\n",
  );
  return runPipeline(out, (watch) =>
    benchBridge({ messages, ...(opts.quick ? { pairs: 1 } : {}), ...watch }),
  );
}

async function runTracing(out: Out, opts: BenchOptions): Promise<Record<string, unknown>[]> {
  const messages = opts.quick ? 5_000 : 50_000;
  out.write(
    `tracing: the bridge workload (${fmt(messages)} messages of 256 B, JetStream → SQS) with telemetry: spans\n` +
      "  exported over OTLP/HTTP to a sink, at 100% and 1% sampling, against the same bridge without telemetry\n",
  );
  const results: Record<string, unknown>[] = [];
  for (const sampling of [1, 0.01]) {
    out.write(`\nsampling ${sampling * 100}% (junction = traced, baseline = untraced)\n`);
    const rows = await runPipeline(out, (watch) =>
      benchTracing({ messages, samplings: [sampling], ...(opts.quick ? { pairs: 1 } : {}), ...watch }),
    );
    results.push(...rows);
  }
  return results;
}

async function runInbound(out: Out, opts: BenchOptions): Promise<Record<string, unknown>[]> {
  const messages = opts.quick ? 2_000 : 20_000;
  out.write(
    `inbound: ${fmt(messages)} messages of 256 B, SQS (local edge endpoint) → JetStream, 4 receive loops each\n` +
      "  junction: `junction run`'s inbound; naive: receive 10 → publish each → delete the batch\n",
  );
  return runPipeline(out, (watch) =>
    benchInbound({ messages, ...(opts.quick ? { pairs: 1 } : {}), ...watch }),
  );
}

/** Progress while a pipeline benchmark runs, a line per run, then the ratios as a table and a chart. */
async function runPipeline(
  out: Out,
  bench: (watch: Pick<PipelineBenchOptions, "onProgress" | "onRun">) => Promise<PipelineResult[]>,
): Promise<Record<string, unknown>[]> {
  let bar: ReturnType<typeof progressBar> | undefined;
  const results = await bench({
    onProgress: (side, done, total) => {
      bar ??= progressBar(process.stderr, total, side.padStart(8));
      bar.update(done, 0);
    },
    onRun: (r) => {
      bar = undefined;
      if ("isTTY" in process.stderr && process.stderr.isTTY) process.stderr.write("\r\x1b[K");
      out.write(
        `  ${r.side.padStart(8)}  ${fmt(r.msgsPerSecond).padStart(7)} msgs/s  ${r.cpuMicrosPerMessage.toFixed(1).padStart(6)} µs CPU/msg\n`,
      );
    },
  });
  out.write(`\n${row(["metric", "junction", "naive", "ratio"], 22)}`);
  for (const r of results) {
    const value = (n: number) => (r.unit === "msgs/s" ? fmt(n) : n.toFixed(1));
    out.write(
      row([`${r.metric} (${r.unit})`, value(r.junction), value(r.baseline), `${r.ratio.toFixed(2)}×`], 22),
    );
  }
  out.write("\nratio (1.00 = as good as the naive pipeline; higher is better)\n");
  out.write(
    formatBars(results.map((r) => ({ label: r.metric, value: r.ratio, text: `${r.ratio.toFixed(2)}×` }))),
  );
  return results.map((r) => ({ ...r }));
}

function row(cells: readonly string[], first = 8): string {
  const [head = "", ...rest] = cells;
  return `${head.padStart(first)} ${rest.map((c) => c.padStart(14)).join(" ")}\n`;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}
