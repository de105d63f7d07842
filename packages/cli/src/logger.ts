import pino from "pino";
import pretty from "pino-pretty";
import { CliExit, ExitCode } from "./exit-codes.ts";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/**
 * The CLI's logger, on stderr (stdout stays for command output): coloured, readable lines when stderr
 * is a terminal, JSON lines otherwise (for log collectors and tests). The level comes from
 * `--log-level` or `JUNCTION_LOG_LEVEL`, else `defaultLevel`. Libraries get it passed in; they never
 * log by themselves.
 */
export function createLogger(name: string, defaultLevel = "info") {
  const level = process.env.JUNCTION_LOG_LEVEL || defaultLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new CliExit(ExitCode.Invalid, `JUNCTION_LOG_LEVEL ${level}: use one of ${LOG_LEVELS.join(", ")}`);
  }
  if (process.stderr.isTTY) {
    // pino-pretty as a stream in this thread (sync), so log lines and the banner on stdout keep their order.
    const stream = pretty({
      destination: 2,
      sync: true,
      colorize: true,
      translateTime: "SYS:HH:MM:ss.l",
      ignore: "pid,hostname,name",
    });
    return pino({ name, level }, stream);
  }
  return pino({ name, level }, pino.destination(2));
}

/** `--log-level`: passed on through the environment, so worker processes log at the same level. */
export function setLogLevel(level: string): void {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new CliExit(ExitCode.Invalid, `--log-level ${level}: use one of ${LOG_LEVELS.join(", ")}`);
  }
  process.env.JUNCTION_LOG_LEVEL = level;
}
