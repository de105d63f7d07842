import { RequestTimeoutError } from "../errors/index.ts";

/**
 * No chunk (and no terminator) arrived for `inactivityMs`: the responder likely died mid-stream.
 * Kept in the timeout family (`code` is `ERR_TIMEOUT`, a gateway maps it to 504) so callers that
 * handle timeouts need nothing new; `instanceof StreamInactiveError` tells it from the overall deadline.
 */
export class StreamInactiveError extends RequestTimeoutError {
  readonly inactivityMs: number;
  constructor(subject: string, inactivityMs: number, options?: ErrorOptions) {
    super(subject, inactivityMs, options);
    this.message = `stream from "${subject}" stalled: no chunk for ${inactivityMs} ms`;
    this.inactivityMs = inactivityMs;
  }
}
