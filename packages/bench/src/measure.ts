// Timing helpers shared by benchmarks: throughput by iteration count, medians, a seeded PRNG.
import { readFile } from "node:fs/promises";

export interface Throughput {
  /** Operations per second. */
  readonly perSecond: number;
  /** Sum of the operation's results, returned so the JIT cannot drop the work as dead code. */
  readonly checksum: number;
}

/**
 * Calls `op(0)`, `op(1)`, … in growing batches until at least `durationMs` have passed, and returns the
 * rate. Batches grow so that reading the clock costs nothing next to the work, even for ~100 ns ops.
 */
export function measureThroughput(op: (i: number) => number, durationMs: number): Throughput {
  let batch = 16;
  let count = 0;
  let checksum = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    const end = count + batch;
    for (let i = count; i < end; i++) checksum += op(i);
    count = end;
    elapsed = performance.now() - start;
    if (elapsed < durationMs / 50) batch *= 2;
  }
  return { perSecond: count / (elapsed / 1000), checksum };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** mulberry32: a tiny seeded PRNG, so every run benchmarks the same workload. Returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs (junction, baseline) pairs in alternating order, so drift in machine state hits both alike. */
export async function interleave<T>(
  pairs: number,
  junction: () => Promise<T>,
  baseline: () => Promise<T>,
  between: () => Promise<void> = async () => {},
): Promise<{ junction: T[]; baseline: T[] }> {
  const out = { junction: [] as T[], baseline: [] as T[] };
  for (let pair = 0; pair < pairs; pair++) {
    if (pair % 2 === 0) {
      out.junction.push(await junction());
      await between();
      out.baseline.push(await baseline());
    } else {
      out.baseline.push(await baseline());
      await between();
      out.junction.push(await junction());
    }
    await between();
  }
  return out;
}

/**
 * CPU time (user + system, µs) a process has used so far, read from `/proc/<pid>/stat` (Linux): how
 * a benchmark counts what a process it did not fork from Node (nats-server) spends. Undefined where
 * there is no procfs or the process is gone.
 */
export async function processCpuMicros(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (stat === undefined) return undefined;
  // Fields after the parenthesised command name (which may hold spaces): utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1_000_000) / CLOCK_TICKS : undefined;
}

// USER_HZ: 100 on every Linux Node supports (getconf CLK_TCK); procfs reports CPU time in these ticks.
const CLOCK_TICKS = 100;
