// Timing helpers for asynchronous operations: windowed throughput and sequential latency percentiles.

/**
 * Runs `op` `total` times with at most `inFlight` calls outstanding and returns operations per second.
 * Every call must succeed: a failing operation fails the benchmark instead of inflating the rate.
 */
export async function windowedThroughput(
  op: (i: number) => Promise<unknown>,
  total: number,
  inFlight: number,
): Promise<number> {
  let next = 0;
  const start = performance.now();
  const lane = async () => {
    while (next < total) await op(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, lane));
  return total / ((performance.now() - start) / 1000);
}

export interface Latencies {
  readonly p50: number;
  readonly p99: number;
}

/** Runs `op` `count` times one after another and returns the p50 and p99 latency in microseconds. */
export async function sequentialLatency(
  op: (i: number) => Promise<unknown>,
  count: number,
): Promise<Latencies> {
  const samples = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await op(i);
    samples[i] = (performance.now() - start) * 1000;
  }
  samples.sort();
  const at = (q: number) => samples[Math.min(count - 1, Math.floor(q * count))] as number;
  return { p50: at(0.5), p99: at(0.99) };
}
