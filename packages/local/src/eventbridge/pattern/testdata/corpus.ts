import { awsCases } from "./corpus-aws.ts";
import { filteringCases } from "./corpus-filtering.ts";
import { operatorCases } from "./corpus-operators.ts";
import { rulerCases } from "./corpus-ruler.ts";
import { rulerOrCases } from "./corpus-ruler-or.ts";
import type { MatchCase } from "./sources.ts";

export { invalidCases } from "./corpus-invalid.ts";
export type { InvalidCase, MatchCase } from "./sources.ts";

/** Documented patterns with events and the expected outcome, each citing where it comes from. */
export const matchCases: readonly MatchCase[] = [
  ...awsCases,
  ...filteringCases,
  ...operatorCases,
  ...rulerCases,
  ...rulerOrCases,
];
