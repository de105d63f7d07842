import { types } from "node:util";
import type { ErrorPayload } from "./protocol.ts";

/**
 * An error as the AWS Node.js runtime reports it (`toRapidResponse` in
 * aws-lambda-nodejs-runtime-interface-client): errors keep their name, message and stack lines;
 * anything else thrown becomes `{ errorType: typeof value, errorMessage: String(value), trace: [] }`.
 */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (isErrorLike(error)) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? "").split("\n") };
  }
  try {
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return { errorType: "handled", errorMessage: "the function failed with a value that cannot be printed" };
  }
}

/** The runtime's own `Runtime.*` errors: the type is prefixed to the first stack line, like AWS's. */
export function runtimeError(errorType: string, errorMessage: string, cause?: unknown): ErrorPayload {
  const frames = isErrorLike(cause) ? (cause.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l)) : [];
  return { errorType, errorMessage, trace: [`${errorType}: ${errorMessage}`, ...frames] };
}

/** `Runtime.ExitError`, worded as AWS words it when the runtime process exits mid-invocation. */
export function exitError(requestId: string, exitCode: number): ErrorPayload {
  const reason =
    exitCode === 0
      ? "Runtime exited without providing a reason"
      : `Runtime exited with error: exit status ${exitCode}`;
  return { errorType: "Runtime.ExitError", errorMessage: `RequestId: ${requestId} Error: ${reason}` };
}

/** The line AWS ends a timed-out invocation's log with: `<ISO date> <request id> Task timed out after N.NN seconds`. */
export function timeoutLogLine(requestId: string, timeoutMs: number, at = new Date()): string {
  return `${at.toISOString()} ${requestId} ${timedOut(timeoutMs)}`;
}

/** Invoke's body for a timeout, as AWS's runtimes have answered since late 2023 (`Sandbox.Timedout`). */
export function timeoutError(requestId: string, timeoutMs: number): ErrorPayload {
  return {
    errorType: "Sandbox.Timedout",
    errorMessage: `RequestId: ${requestId} Error: ${timedOut(timeoutMs)}`,
  };
}

function timedOut(timeoutMs: number): string {
  return `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`;
}

function isErrorLike(value: unknown): value is Error {
  if (types.isNativeError(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === "string" && typeof v.message === "string" && typeof v.stack === "string";
}
