import { readFileSync } from "node:fs";
import {
  type Authenticator,
  credsAuthenticator,
  nkeyAuthenticator,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
} from "@nats-io/nats-core";
import type { NodeConnectionOptions } from "@nats-io/transport-node";
import { JunctionError } from "../errors.ts";

/** How to reach NATS: servers, one way to authenticate, TLS, reconnect policy. */
export interface ConnectOptions {
  readonly servers?: string | readonly string[];
  /** Shown in the server's monitoring. */
  readonly name?: string;
  readonly token?: string;
  readonly user?: string;
  readonly pass?: string;
  /** Path of an NKey seed file (`SU…`). */
  readonly nkeySeedFile?: string;
  /** Path of a `.creds` file (JWT + NKey seed). */
  readonly credsFile?: string;
  readonly tls?: {
    readonly caFile?: string;
    readonly certFile?: string;
    readonly keyFile?: string;
    readonly handshakeFirst?: boolean;
  };
  readonly reconnect?: {
    /** -1 (default) retries forever. */
    readonly maxAttempts?: number;
    /** Backoff: full jitter over min(maxDelayMs, baseDelayMs · 2^attempt). */
    readonly baseDelayMs?: number;
    readonly maxDelayMs?: number;
  };
  /** How long the first connection may take. */
  readonly timeoutMs?: number;
}

export class ConnectOptionsError extends JunctionError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_CONNECT_OPTIONS", message, options);
  }
}

/**
 * nats.js options for ours. Reconnect delays grow exponentially with full jitter, so a fleet of
 * clients does not reconnect in lockstep after a server restart; `onReconnected` resets the growth.
 */
export function natsOptions(options: ConnectOptions): {
  options: NodeConnectionOptions;
  onReconnected: () => void;
} {
  const methods = [
    options.token !== undefined,
    options.user !== undefined || options.pass !== undefined,
    options.nkeySeedFile !== undefined,
    options.credsFile !== undefined,
  ].filter(Boolean).length;
  if (methods > 1)
    throw new ConnectOptionsError("use one of token, user/pass, nkeySeedFile or credsFile, not several");
  if ((options.user === undefined) !== (options.pass === undefined)) {
    throw new ConnectOptionsError("user and pass go together");
  }

  let authenticator: Authenticator | undefined;
  if (options.token !== undefined) authenticator = tokenAuthenticator(options.token);
  if (options.user !== undefined && options.pass !== undefined) {
    authenticator = usernamePasswordAuthenticator(options.user, options.pass);
  }
  if (options.nkeySeedFile !== undefined) {
    authenticator = nkeyAuthenticator(
      new TextEncoder().encode(readSecret(options.nkeySeedFile, "nkeySeedFile").trim()),
    );
  }
  if (options.credsFile !== undefined) {
    authenticator = credsAuthenticator(new TextEncoder().encode(readSecret(options.credsFile, "credsFile")));
  }

  const base = options.reconnect?.baseDelayMs ?? 250;
  const max = options.reconnect?.maxDelayMs ?? 5000;
  let attempt = 0;
  const servers = options.servers === undefined ? ["nats://127.0.0.1:4222"] : [options.servers].flat();
  const result: NodeConnectionOptions = {
    servers,
    maxReconnectAttempts: options.reconnect?.maxAttempts ?? -1,
    // nats.js otherwise builds an Error (with a stack) per request for async traces: ~20% of the CPU
    // of a request/reply loop. Our own errors name the subject and operation, so the trace adds little.
    noAsyncTraces: true,
    reconnectDelayHandler: () => Math.random() * Math.min(max, base * 2 ** attempt++),
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(authenticator === undefined ? {} : { authenticator }),
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    ...(options.tls === undefined ? {} : { tls: { ...options.tls } }),
  };
  return {
    options: result,
    onReconnected: () => {
      attempt = 0;
    },
  };
}

function readSecret(path: string, option: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new ConnectOptionsError(`${option}: cannot read ${path} (${(err as NodeJS.ErrnoException).code})`, {
      cause: err,
    });
  }
}
