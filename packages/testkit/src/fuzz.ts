import type { TestContext } from "node:test";

/** The seed every fuzz suite runs with, so `npm test` checks the same cases each time. */
export const DEFAULT_FUZZ_SEED = 1303;

/**
 * fast-check parameters for a fuzz suite: a fixed seed (`JUNCTION_FUZZ_SEED` replays another) and a
 * case count, both printed in the test output so a failure can be replayed.
 */
export function fuzzParameters(t: TestContext, numRuns: number): { seed: number; numRuns: number } {
  const raw = process.env.JUNCTION_FUZZ_SEED ?? "";
  const seed = /^\d{1,9}$/.test(raw) ? Number(raw) : DEFAULT_FUZZ_SEED;
  t.diagnostic(`fuzz: seed ${seed}, ${numRuns} cases (replay: JUNCTION_FUZZ_SEED=${seed})`);
  return { seed, numRuns };
}
