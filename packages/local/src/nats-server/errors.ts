import { JunctionError } from "@junction/sdk";

/** The nats-server executable could not be found (or could not be executed). */
export class NatsServerMissingError extends JunctionError {
  readonly binary: string;

  constructor(binary: string, options?: ErrorOptions) {
    super(
      "ERR_NATS_SERVER_MISSING",
      `nats-server not found (tried "${binary}"). Install it with \`npm run setup\` ` +
        "or `apt-get install -y nats-server`, or pass `binary` with its path.",
      options,
    );
    this.binary = binary;
  }
}

/**
 * nats-server was spawned but never became ready: it exited, or the ports file / `/healthz` did not
 * appear before the deadline. `output` holds the last lines the server logged, to explain why.
 */
export class NatsServerStartError extends JunctionError {
  readonly output: string;

  constructor(reason: string, output: string, options?: ErrorOptions) {
    const tail = output.trim() === "" ? "(no output)" : output.trimEnd();
    super(
      "ERR_NATS_SERVER_START",
      `nats-server failed to start: ${reason}\n--- last server output ---\n${tail}`,
      options,
    );
    this.output = output;
  }
}

/** The options cannot describe a runnable server (e.g. JetStream on without a `storeDir`). */
export class NatsServerConfigError extends JunctionError {
  constructor(message: string) {
    super("ERR_NATS_SERVER_CONFIG", message);
  }
}
