// Where the corpus cases come from. AWS user-guide pages are cited by URL; where the live page could
// only be read in part, the full text was read from the archived markdown of the same page in the
// awsdocs/amazon-eventbridge-user-guide repository (path given alongside).

export interface MatchCase {
  readonly name: string;
  /** The pattern as JSON text (when the text itself matters, e.g. duplicate keys) or as an object. */
  readonly pattern: string | object;
  readonly event: unknown;
  readonly matches: boolean;
  readonly source: string;
}

export interface InvalidCase {
  readonly name: string;
  readonly pattern: string | object;
  /** A fragment the error's reason must contain. */
  readonly reason: string;
  readonly source: string;
}

const GUIDE = "https://docs.aws.amazon.com/eventbridge/latest/userguide";
const ARCHIVE = "awsdocs/amazon-eventbridge-user-guide:doc_source";

export const PATTERNS_PAGE = `${GUIDE}/eb-event-patterns.html (${ARCHIVE}/eb-event-patterns.md)`;
export const NULLS_PAGE = `${GUIDE}/eb-event-patterns-null-values.html (${ARCHIVE}/eb-event-patterns-null-values.md)`;
export const ARRAYS_PAGE = `${GUIDE}/eb-event-patterns-arrays.html (${ARCHIVE}/eb-event-patterns-arrays.md)`;
export const FILTERING_PAGE = `${GUIDE}/eb-event-patterns-content-based-filtering.html (${ARCHIVE}/eb-event-patterns-content-based-filtering.md)`;
export const OPERATORS_PAGE = `${GUIDE}/eb-create-pattern-operators.html`;
export const CONTENT_PAGE = `${GUIDE}/content-filtering-with-event-patterns.html`;
export const RULER = "aws/event-ruler:README.md";
export const RULER_COMPILER = "aws/event-ruler:src/main/software/amazon/event/ruler/JsonRuleCompiler.java";
export const WILDCARD_BLOG =
  "https://aws.amazon.com/blogs/compute/filtering-events-in-amazon-eventbridge-with-wildcard-pattern-matching/";
export const ANYTHING_BUT_ERROR_PAGE =
  "https://openillumi.com/en/en-eventbridge-anything-but-multi-prefix-error";
