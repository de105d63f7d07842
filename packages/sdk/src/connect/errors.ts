import { errors as natsErrors } from "@nats-io/nats-core";
import { JunctionError } from "../errors/index.ts";

/** The options cannot work: several credentials, `user` without `pass`, an unreadable or invalid file. */
export class ConnectOptionsError extends JunctionError {
  /** The option at fault (`token`, `user`, `nkeySeedFile`, `credsFile`, `tls.caFile`, `servers` …). */
  readonly option: string;
  /** What is wrong with it, without the option's name. */
  readonly reason: string;

  constructor(option: string, reason: string, options?: ErrorOptions) {
    super("ERR_CONNECT_OPTIONS", `${option}: ${reason}`, options);
    this.option = option;
    this.reason = reason;
  }
}

/** Which credentials a connection presented, for error messages (never their values). */
export type CredentialSource = "token" | "user" | "nkeySeedFile" | "credsFile" | "url" | "none";

/** The server refused the credentials (or they expired). Retrying with the same ones cannot help. */
export class NatsAuthError extends JunctionError {
  readonly credentials: CredentialSource;
  /** The server's word for it, e.g. `authorization violation`. */
  readonly reason: string;

  constructor(reason: string, credentials: CredentialSource, options?: ErrorOptions) {
    super("ERR_NATS_AUTH", `${reason}: the server refused ${describeSource(credentials)}`, options);
    this.credentials = credentials;
    this.reason = reason;
  }
}

/** No server could be reached, or TLS failed: nothing was said about the credentials. */
export class NatsConnectError extends JunctionError {
  constructor(servers: readonly string[], reason: string, options?: ErrorOptions) {
    super("ERR_NATS_CONNECT", `cannot connect to ${servers.join(", ")}: ${reason}`, options);
  }
}

function describeSource(source: CredentialSource): string {
  if (source === "none") return "the connection (no credentials were given)";
  if (source === "url") return "these credentials (the ones in the server URL)";
  return `these credentials (${source === "user" ? "user/pass" : source})`;
}

/** nats.js's failure of a first connection as one of ours; `servers` carry no credentials. */
export function connectFailure(err: unknown, servers: readonly string[], source: CredentialSource): Error {
  if (
    err instanceof natsErrors.AuthorizationError ||
    err instanceof natsErrors.UserAuthenticationExpiredError
  ) {
    return new NatsAuthError(err.message.replace(/^'|'$/g, "").toLowerCase(), source, { cause: err });
  }
  const reason = err instanceof Error ? err.message || err.name : String(err);
  return new NatsConnectError(servers, reason, { cause: err });
}

/**
 * The server's refusal of one publish or subscription to this user, found anywhere in an error's
 * cause chain (a JetStream call fails with it as its cause): what was refused, never a credential.
 */
export function permissionDenied(
  err: unknown,
): { readonly operation: "publish" | "subscription"; readonly subject: string } | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (e instanceof natsErrors.PermissionViolationError)
      return { operation: e.operation, subject: e.subject };
  }
  return undefined;
}
