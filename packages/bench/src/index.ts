// @junction/bench: the benchmarks behind `junction bench`, a package of its own so that the CLI ships
// without their dependencies (autocannon); the CLI loads it when a benchmark runs.
export { BENCH_NAMES, type BenchOptions, runBench } from "./run.ts";
