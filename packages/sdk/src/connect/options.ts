import { readFileSync } from "node:fs";
import {
  type Authenticator,
  credsAuthenticator,
  nkeyAuthenticator,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
} from "@nats-io/nats-core";
import type { NodeConnectionOptions } from "@nats-io/transport-node";
import { backoff } from "../resilience/backoff.ts";
import { ConnectOptionsError, type CredentialSource } from "./errors.ts";
import { splitServerCredentials } from "./server-url.ts";

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

/**
 * nats.js options for ours. Reconnect delays grow exponentially with full jitter, so a fleet of
 * clients does not reconnect in lockstep after a server restart; `onReconnected` resets the growth.
 */
export function natsOptions(options: ConnectOptions): {
  options: NodeConnectionOptions;
  onReconnected: () => void;
  /** The servers, without credentials: fit for messages. */
  servers: string[];
  credentials: CredentialSource;
} {
  const split = splitServerCredentials(
    options.servers === undefined ? ["nats://127.0.0.1:4222"] : [options.servers].flat(),
  );
  const { servers } = split;
  const given: CredentialSource[] = [];
  if (options.token !== undefined) given.push("token");
  if (options.user !== undefined || options.pass !== undefined) given.push("user");
  if (options.nkeySeedFile !== undefined) given.push("nkeySeedFile");
  if (options.credsFile !== undefined) given.push("credsFile");
  if (split.credentials !== undefined) given.push("url");
  if (given.length > 1) {
    throw new ConnectOptionsError(
      given[0] as string,
      `use one of token, user/pass, nkeySeedFile, credsFile or credentials in the server URL, not ${given.join(" and ")}`,
    );
  }
  if ((options.user === undefined) !== (options.pass === undefined)) {
    throw new ConnectOptionsError(options.user === undefined ? "pass" : "user", "user and pass go together");
  }
  const credentials = given[0] ?? "none";
  const authenticator = authenticatorOf(options, split.credentials);
  if (authenticator !== undefined) {
    // nats.js reads seeds and creds only when the server asks: check them now, naming the option.
    try {
      authenticator("");
    } catch (err) {
      throw new ConnectOptionsError(
        credentials,
        credentials === "credsFile" ? "not a valid .creds file (JWT and NKey seed)" : "not a valid NKey seed",
        { cause: err },
      );
    }
  }
  for (const field of ["caFile", "certFile", "keyFile"] as const) {
    const file = options.tls?.[field];
    if (file !== undefined) readSecret(file, `tls.${field}`);
  }
  if ((options.tls?.certFile === undefined) !== (options.tls?.keyFile === undefined)) {
    throw new ConnectOptionsError(
      options.tls?.certFile === undefined ? "tls.keyFile" : "tls.certFile",
      "a client certificate needs its key: give tls.certFile and tls.keyFile together",
    );
  }

  const base = options.reconnect?.baseDelayMs ?? 250;
  const max = options.reconnect?.maxDelayMs ?? 5000;
  let attempt = 0;
  const result: NodeConnectionOptions = {
    servers,
    maxReconnectAttempts: options.reconnect?.maxAttempts ?? -1,
    // nats.js otherwise builds an Error (with a stack) per request for async traces: ~20% of the CPU
    // of a request/reply loop. Our own errors name the subject and operation, so the trace adds little.
    noAsyncTraces: true,
    reconnectDelayHandler: () => backoff(attempt++, { baseMs: base, maxMs: max, jitter: "full" }),
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
    servers,
    credentials,
  };
}

function authenticatorOf(
  options: ConnectOptions,
  fromUrl: ReturnType<typeof splitServerCredentials>["credentials"],
): Authenticator | undefined {
  const { token, user, pass } = { ...options, ...fromUrl };
  if (token !== undefined) return tokenAuthenticator(token);
  if (user !== undefined && pass !== undefined) return usernamePasswordAuthenticator(user, pass);
  if (options.nkeySeedFile !== undefined) {
    const seed = readSecret(options.nkeySeedFile, "nkeySeedFile").trim();
    return nkeyAuthenticator(new TextEncoder().encode(seed));
  }
  if (options.credsFile !== undefined) {
    return credsAuthenticator(new TextEncoder().encode(readSecret(options.credsFile, "credsFile")));
  }
  return undefined;
}

function readSecret(path: string, option: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new ConnectOptionsError(option, `cannot read ${path} (${(err as NodeJS.ErrnoException).code})`, {
      cause: err,
    });
  }
}
