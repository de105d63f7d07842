import pino from "pino";

/**
 * The CLI's logger: JSON lines on stderr (stdout stays for command output), level from
 * `JUNCTION_LOG_LEVEL` (default info). Libraries get it passed in; they never log by themselves.
 */
export function createLogger(name: string, defaultLevel = "info") {
  return pino({ name, level: process.env.JUNCTION_LOG_LEVEL ?? defaultLevel }, pino.destination(2));
}
