import type { Command } from "commander";
import { CliExit, ExitCode } from "../exit-codes.ts";

/** The package that holds the benchmarks; the CLI ships without it and its dependencies. */
const BENCH_PACKAGE = "@junction/bench";

/** What the CLI uses of `@junction/bench` (loaded only when a benchmark runs, so typed here). */
interface BenchPackage {
  runBench(name: string, opts: BenchOptions): Promise<void>;
}

interface BenchOptions {
  json?: boolean;
  duration: string;
  quick?: boolean;
  report: string;
}

export function registerBench(program: Command): void {
  program
    .command("bench")
    .description("run a benchmark against a baseline measured in the same run and print the ratios")
    .argument("<name>", "benchmark: bridge, sdk, … (an unknown name lists them all), or all")
    .option("--json", "end with one JSON line: {name, results:[{…, junction, baseline, ratio, unit}]}")
    .option("--duration <ms>", "routes: time per measured run", "300")
    .option("--quick", "smaller runs (smoke test; ratios are noisier)")
    .option("--report <dir>", "all: where performance.md and its charts go", "docs")
    .action(async (name: string, opts: BenchOptions) => {
      const bench = await loadBenchPackage();
      await bench.runBench(name, opts);
    });
}

async function loadBenchPackage(): Promise<BenchPackage> {
  let url: string;
  try {
    // Resolving first tells "the package is not installed" apart from a failure inside it.
    url = import.meta.resolve(BENCH_PACKAGE);
  } catch (err) {
    throw new CliExit(
      ExitCode.Failure,
      `junction bench needs the ${BENCH_PACKAGE} package: npm install ${BENCH_PACKAGE}`,
      { cause: err },
    );
  }
  return (await import(url)) as BenchPackage;
}
