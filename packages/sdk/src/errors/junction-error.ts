/**
 * Every error Junction raises is a `JunctionError` with a stable `code`, so callers branch on
 * `err.code` (or `instanceof`), never on message text. The original error is kept as `cause`.
 */
export class JunctionError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
