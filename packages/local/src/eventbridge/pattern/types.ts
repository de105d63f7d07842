/** A scalar at a leaf of the event: the only kind of value that operators look at. */
export type LeafValue = string | number | boolean | null;

/** One compiled entry of a pattern's value list (`"x"`, `{ "prefix": "x" }`, …) as a predicate. */
export type ValueTest = (value: LeafValue) => boolean;

/** A pattern field whose value is an array: matches if any entry matches any leaf value found. */
export interface LeafNode {
  readonly kind: "leaf";
  readonly tests: readonly ValueTest[];
  /** The list holds `{ "exists": true }`: matches whenever the field has a leaf value. */
  readonly ifPresent: boolean;
  /** The list holds `{ "exists": false }`: matches whenever the field has no leaf value. */
  readonly ifAbsent: boolean;
}

/** A pattern object: every field must match (AND), and one alternative of every `$or` (OR). */
export interface ObjectNode {
  readonly kind: "object";
  readonly fields: readonly PatternField[];
  readonly ors: readonly (readonly ObjectNode[])[];
}

export interface PatternField {
  readonly key: string;
  readonly node: LeafNode | ObjectNode;
}

/** A validated event pattern, ready to be matched against many events. */
export interface CompiledEventPattern {
  /** `event` is the parsed event JSON (`version`, `id`, `detail-type`, `source`, …, `detail`). */
  matches(event: unknown): boolean;
}
