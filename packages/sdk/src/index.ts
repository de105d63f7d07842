export { JunctionError } from "./errors.ts";
export {
  type HeaderName,
  Headers,
  headerValue,
  type MessageIdentity,
  newMessageId,
  readIdentity,
} from "./identity/index.ts";
export {
  type CompiledPattern,
  compareSpecificity,
  createSubjectRouter,
  InvalidPatternError,
  InvalidSubjectError,
  matchPattern,
  type PatternToken,
  parsePattern,
  patternCovers,
  patternsOverlap,
  RouteConflictError,
  type SubjectMatch,
  type SubjectRouteEntry,
  type SubjectRouter,
  validateSubject,
} from "./subjects/index.ts";
