import { JunctionError } from "../errors/index.ts";

/** A retry, breaker or service option is out of range. Raised when the option is given, never later. */
export class InvalidOptionError extends JunctionError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_INVALID_OPTION", message, options);
  }
}

/** Throws `InvalidOptionError` unless `value` is an integer ≥ `min`. */
export function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(`${name} must be an integer ≥ ${min}, got ${value}`);
  }
}

/** Throws `InvalidOptionError` unless `value` is a finite number ≥ `min`. */
export function checkNumber(name: string, value: number, min: number): void {
  if (!Number.isFinite(value) || value < min) {
    throw new InvalidOptionError(`${name} must be a number ≥ ${min}, got ${value}`);
  }
}
