import { JunctionError } from "@junction/sdk";

/** One problem found in a config: where (`routes[2].to[0].queue`), what, and the YAML line when known. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
  readonly line?: number;
}

export function formatProblem(problem: ConfigProblem): string {
  const where = problem.path === "" ? "(config)" : problem.path;
  return `${where}: ${problem.message}${problem.line === undefined ? "" : ` (line ${problem.line})`}`;
}

/** A config that must not start anything: carries every problem found, not just the first. */
export class ConfigError extends JunctionError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], options?: ErrorOptions) {
    super(
      "ERR_CONFIG_INVALID",
      `invalid config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map(formatProblem).join("\n")}`,
      options,
    );
    this.problems = problems;
  }
}

/**
 * A message that cannot be turned into a target request (missing JSON field, oversized event …).
 * Permanent: retrying the same message gives the same result, so the runtime dead-letters it.
 */
export class MappingError extends JunctionError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_MAPPING", message, options);
  }
}

/**
 * Not sent on purpose: the message came from the very resource the target would send it to (an event
 * a subscription brought in from a bus, routed back to that bus). Counted, never dead-lettered.
 */
export class EchoSkippedError extends JunctionError {
  constructor(origin: string) {
    super("ERR_ECHO", `not sent: the message came from ${origin}`);
  }
}
