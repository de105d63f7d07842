// `junction bench routes`: subject-trie lookups against a full regex scan, on the same routes and subjects.
import { isDeepStrictEqual } from "node:util";
import { createSubjectRouter, JunctionError } from "@junction/sdk";
import { measureThroughput, median } from "./measure.ts";
import { regexBaseline, routesWorkload } from "./routes-workload.ts";

export interface RoutesBenchResult {
  readonly routes: number;
  /** Trie lookups per second. */
  readonly junction: number;
  /** Regex-scan lookups per second. */
  readonly baseline: number;
  /** junction / baseline. */
  readonly ratio: number;
}

export interface RoutesBenchOptions {
  /** Route counts to measure; default [10, 100, 1000, 10000]. */
  readonly sizes?: readonly number[];
  /** Minimum length of each timed run; default 300. */
  readonly durationMs?: number;
  /** Timed (junction, baseline) pairs per size, in alternating order; default 3, medians reported. */
  readonly pairs?: number;
  readonly onProgress?: (result: RoutesBenchResult) => void;
}

export async function benchRoutes(opts: RoutesBenchOptions = {}): Promise<RoutesBenchResult[]> {
  const sizes = opts.sizes ?? [10, 100, 1000, 10000];
  const durationMs = opts.durationMs ?? 300;
  const pairs = Math.max(1, opts.pairs ?? 3);
  const results: RoutesBenchResult[] = [];

  for (const size of sizes) {
    const { routes, subjects } = routesWorkload(size);
    const router = createSubjectRouter(routes.map((r) => ({ name: r.name, pattern: r.pattern, value: r })));
    const baseline = regexBaseline(routes);
    assertAgreement(subjects, (s) => router.lookup(s), baseline);

    const mask = subjects.length - 1;
    const runJunction = () =>
      measureThroughput(
        (i) => (router.lookup(subjects[i & mask] as string) === undefined ? 0 : 1),
        durationMs,
      );
    const runBaseline = () =>
      measureThroughput((i) => (baseline(subjects[i & mask] as string) === undefined ? 0 : 1), durationMs);

    // Warm both up so neither pays for JIT compilation inside a timed run.
    measureThroughput((i) => (router.lookup(subjects[i & mask] as string) ? 1 : 0), durationMs / 5);
    measureThroughput((i) => (baseline(subjects[i & mask] as string) ? 1 : 0), durationMs / 5);

    const junction: number[] = [];
    const base: number[] = [];
    for (let pair = 0; pair < pairs; pair++) {
      // Alternate the order (J B, B J, J B …) so drift in machine state hits both sides alike.
      if (pair % 2 === 0) {
        junction.push(runJunction().perSecond);
        base.push(runBaseline().perSecond);
      } else {
        base.push(runBaseline().perSecond);
        junction.push(runJunction().perSecond);
      }
      // Yield between runs so a caller's progress output and signals are not starved.
      await new Promise((resolve) => setImmediate(resolve));
    }

    const result: RoutesBenchResult = {
      routes: size,
      junction: median(junction),
      baseline: median(base),
      ratio: median(junction) / median(base),
    };
    results.push(result);
    opts.onProgress?.(result);
  }
  return results;
}

/** Both routers must give the same answer on every subject, or the comparison means nothing. */
function assertAgreement(
  subjects: readonly string[],
  lookup: (subject: string) => { name: string; captures: Record<string, string> } | undefined,
  baseline: (subject: string) => { name: string; captures: Record<string, string> } | undefined,
): void {
  for (const subject of subjects) {
    const a = lookup(subject);
    const b = baseline(subject);
    if (a?.name !== b?.name || !isDeepStrictEqual(a?.captures, b?.captures)) {
      throw new JunctionError(
        "ERR_BENCH_MISMATCH",
        `routers disagree on ${JSON.stringify(subject)}: ` +
          `trie ${a ? `${a.name} ${JSON.stringify(a.captures)}` : "no match"}, ` +
          `regex scan ${b ? `${b.name} ${JSON.stringify(b.captures)}` : "no match"}`,
      );
    }
  }
}
