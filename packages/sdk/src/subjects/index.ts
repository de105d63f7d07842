export { InvalidPatternError, InvalidSubjectError, RouteConflictError } from "./errors.ts";
export { compareSpecificity, matchPattern, patternCovers, patternsOverlap } from "./match.ts";
export { type CompiledPattern, type PatternToken, parsePattern, validateSubject } from "./parse.ts";
export {
  createSubjectRouter,
  type SubjectMatch,
  type SubjectRouteConflict,
  type SubjectRouteEntry,
  type SubjectRouter,
  type SubjectRouterOptions,
} from "./router.ts";
export { MAX_OUTSIDE_TOKEN, outsideToken } from "./token.ts";
