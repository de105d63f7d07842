import { JunctionError } from "../errors/index.ts";

/** A concrete subject that is not valid: empty token, whitespace, or a wildcard token. */
export class InvalidSubjectError extends JunctionError {
  readonly subject: string;
  /** What is wrong and where, e.g. `token 2 is empty`. */
  readonly reason: string;

  constructor(subject: string, reason: string, options?: ErrorOptions) {
    super("ERR_INVALID_SUBJECT", `invalid subject ${JSON.stringify(subject)}: ${reason}`, options);
    this.subject = subject;
    this.reason = reason;
  }
}

/** A subject pattern that cannot be compiled: bad token, misplaced `>`, bad or duplicate capture. */
export class InvalidPatternError extends JunctionError {
  readonly pattern: string;
  /** What is wrong and where, e.g. `">" must be the last token`. */
  readonly reason: string;

  constructor(pattern: string, reason: string, options?: ErrorOptions) {
    super("ERR_INVALID_PATTERN", `invalid pattern ${JSON.stringify(pattern)}: ${reason}`, options);
    this.pattern = pattern;
    this.reason = reason;
  }
}

/**
 * Two routes whose patterns have the same shape once capture names are erased: they match exactly the
 * same subjects with equal specificity, so no route could be chosen over the other.
 */
export class RouteConflictError extends JunctionError {
  readonly routes: readonly [string, string];
  /** The shared shape as a NATS filter subject, e.g. `agent.*.heartbeat`. */
  readonly pattern: string;

  constructor(
    routes: readonly [string, string],
    sources: readonly [string, string],
    pattern: string,
    options?: ErrorOptions,
  ) {
    const [a, b] = routes;
    const [pa, pb] = sources;
    super(
      "ERR_ROUTE_CONFLICT",
      `routes ${JSON.stringify(a)} (${JSON.stringify(pa)}) and ${JSON.stringify(b)} (${JSON.stringify(pb)}) ` +
        `match the same subjects (${pattern}) with equal specificity; make one of them more specific`,
      options,
    );
    this.routes = routes;
    this.pattern = pattern;
  }
}
