import { JunctionError } from "@junction/sdk";

/** Stable codes of the gateway's own failures; each becomes one problem type (problem.ts). */
export const GatewayErrorCode = {
  Overloaded: "ERR_GATEWAY_OVERLOADED",
  Draining: "ERR_GATEWAY_DRAINING",
  Unauthorized: "ERR_GATEWAY_UNAUTHORIZED",
  Forbidden: "ERR_GATEWAY_FORBIDDEN",
  NotFound: "ERR_GATEWAY_NOT_FOUND",
  MethodNotAllowed: "ERR_GATEWAY_METHOD_NOT_ALLOWED",
  BadRequest: "ERR_GATEWAY_BAD_REQUEST",
  Validation: "ERR_GATEWAY_VALIDATION",
  PayloadTooLarge: "ERR_GATEWAY_PAYLOAD_TOO_LARGE",
  UnsupportedMediaType: "ERR_GATEWAY_UNSUPPORTED_MEDIA_TYPE",
  Config: "ERR_GATEWAY_CONFIG",
  AlreadyStarted: "ERR_GATEWAY_STARTED",
} as const;
export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

/** Too much in flight (a route's share, the whole gateway's, or open streams): answered 429 at once. */
export class OverloadedError extends JunctionError {
  readonly limit: "route" | "gateway" | "streams";
  constructor(limit: "route" | "gateway" | "streams", max: number) {
    super(
      GatewayErrorCode.Overloaded,
      `too many ${limit === "streams" ? "open streams" : `requests in flight (${limit})`}: the limit is ${max}`,
    );
    this.limit = limit;
  }
}

/** The gateway is stopping and takes no new work. */
export class DrainingError extends JunctionError {
  constructor() {
    super(GatewayErrorCode.Draining, "the gateway is stopping");
  }
}

/** No credential, or one that does not check out. `challenge` is the `WWW-Authenticate` value. */
export class UnauthorizedError extends JunctionError {
  readonly challenge: string;
  constructor(message: string, challenge: string, options?: ErrorOptions) {
    super(GatewayErrorCode.Unauthorized, message, options);
    this.challenge = challenge;
  }
}

/** A valid credential that this route does not accept, or that lacks a scope the route needs. */
export class ForbiddenError extends JunctionError {
  constructor(message: string) {
    super(GatewayErrorCode.Forbidden, message);
  }
}

export class RouteNotFoundError extends JunctionError {
  constructor(method: string, path: string) {
    super(GatewayErrorCode.NotFound, `no route for ${method} ${path}`);
  }
}

export class MethodNotAllowedError extends JunctionError {
  readonly allow: readonly string[];
  constructor(method: string, allow: readonly string[]) {
    super(GatewayErrorCode.MethodNotAllowed, `${method} is not allowed here; use ${allow.join(", ")}`);
    this.allow = allow;
  }
}

/** One reason a request is malformed, for the problem's `errors` list. */
export interface InvalidParam {
  /** Where: `body`, `query`, `path`, `header`. */
  readonly in: string;
  /** JSON pointer or name inside it. */
  readonly name: string;
  readonly reason: string;
}

export class BadRequestError extends JunctionError {
  readonly errors: readonly InvalidParam[];
  constructor(message: string, errors: readonly InvalidParam[] = [], options?: ErrorOptions) {
    super(GatewayErrorCode.BadRequest, message, options);
    this.errors = errors;
  }
}

/** `start()` called a second time: a gateway serves once; create another for another run. */
export class AlreadyStartedError extends JunctionError {
  constructor() {
    super(GatewayErrorCode.AlreadyStarted, "the gateway is already started");
  }
}

/** Found at start-up (an unset key variable, an unreadable JWKS, a schema ajv refuses): nothing starts. */
export class GatewayConfigError extends JunctionError {
  readonly problems: readonly { readonly path: string; readonly message: string }[];
  constructor(
    problems: readonly { readonly path: string; readonly message: string }[],
    options?: ErrorOptions,
  ) {
    super(
      GatewayErrorCode.Config,
      `invalid gateway config:\n${problems.map((p) => `${p.path}: ${p.message}`).join("\n")}`,
      options,
    );
    this.problems = problems;
  }
}
