import { JunctionError } from "@junction/sdk";

/**
 * The event pattern cannot be compiled. `awsCode` is the AWS error type the local EventBridge API
 * returns for it (PutRule, TestEventPattern); `reason` is the bare cause and `path` where it is.
 */
export class InvalidEventPatternError extends JunctionError {
  readonly awsCode = "InvalidEventPatternException";
  readonly reason: string;
  readonly path: string;

  constructor(reason: string, path: string, options?: ErrorOptions) {
    // AWS words these as "Event pattern is not valid. Reason: <event-ruler message> at <location>".
    super("ERR_INVALID_EVENT_PATTERN", `Event pattern is not valid. Reason: ${reason} at ${path}`, options);
    this.reason = reason;
    this.path = path;
  }
}

/** A location inside the pattern, printed JSONPath-style: `$.detail["x-limit"][0].numeric`. */
export type PatternPath = readonly (string | number)[];

export function formatPath(path: PatternPath): string {
  let out = "$";
  for (const step of path) {
    if (typeof step === "number") out += `[${step}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(step)) out += `.${step}`;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}

export function invalid(reason: string, path: PatternPath): InvalidEventPatternError {
  return new InvalidEventPatternError(reason, formatPath(path));
}
