export interface NatsClusterOptions {
  /** Cluster name; every node of one cluster uses the same. */
  name: string;
  /** Route listen port on 127.0.0.1; 0 = random (only useful for a seed nobody needs to dial). */
  port: number;
  /** Route URLs of every node (it may include this node's own URL), e.g. `nats://127.0.0.1:6222`. */
  routes: readonly string[];
}

export interface NatsServerOptions {
  /** Client port on 127.0.0.1; 0 (default) = random. */
  port?: number;
  /** Monitoring port on 127.0.0.1, always enabled (readiness polls `/healthz`); 0 (default) = random. */
  httpPort?: number;
  /** JetStream is on unless `false`. */
  jetstream?: boolean;
  /** JetStream store directory (required when JetStream is on). nats-server appends `/jetstream`. */
  storeDir?: string;
  /**
   * Where `nats.conf` and the ports file go; one directory per server. Defaults to the parent of
   * `storeDir`; required when there is no `storeDir`.
   */
  configDir?: string;
  /** `server_name`; required for a JetStream cluster, each node its own. */
  serverName?: string;
  cluster?: NatsClusterOptions;
  /** Path or name (looked up on PATH) of the executable; default `nats-server`. */
  binary?: string;
  /** Server log file; by default the server logs to stderr, which is kept (tail only) for errors. */
  logFile?: string;
  /** Appended verbatim to the generated config: `authorization { … }`, `tls { … }` and the like. */
  extraConfig?: string;
  /** How long to wait for readiness; default 10 s. */
  startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL; default 5 s. */
  stopTimeoutMs?: number;
}

export interface NatsServer {
  /** Client URL, `nats://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Monitoring URL, `http://127.0.0.1:<httpPort>`. */
  readonly httpUrl: string;
  /** Route URL when clustered. */
  readonly clusterUrl: string | undefined;
  readonly pid: number;
  readonly storeDir: string | undefined;
  readonly configFile: string;
  /** SIGTERM, wait for exit, SIGKILL after `stopTimeoutMs`. Idempotent. */
  stop(): Promise<void>;
  /** Send a signal (default SIGKILL) without waiting; await `exited` to wait. */
  kill(signal?: NodeJS.Signals): void;
  /** Resolves with the exit code (null when ended by a signal) once the process has exited. */
  readonly exited: Promise<number | null>;
}
