import type { IncomingHttpHeaders } from "node:http";
import { createAuthenticator, ForbiddenError, UnauthorizedError } from "@junction/gateway/auth";
import { type CredentialsConfig, checkCredentials, formatGatewayPath } from "@junction/gateway/config";
import { ConfigError } from "../errors.ts";

/** Resolves when a request's credentials are good; else says how to answer. Never echoes a secret. */
export type OpsAuth = (headers: IncomingHttpHeaders) => Promise<OpsAuthResult>;

export type OpsAuthResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly status: 401 | 403;
      readonly reason: string;
      /** `WWW-Authenticate` of a 401: Basic first, so a browser asks for the key. */
      readonly challenge?: string;
    };
const BASIC = /^Basic +([A-Za-z0-9+/]+=*)$/i;

/**
 * `ops.auth`: any credential it defines, checked by the gateway's own mechanisms (API keys hashed
 * from the environment or given as SHA-256, JWTs against a JWKS). An API key may also come as the
 * password of HTTP Basic auth, which browsers (the console) and Prometheus (`basic_auth`) can send.
 * Problems only start-up can find (an unset key variable, an unreadable JWKS) throw a `ConfigError`.
 */
export async function createOpsAuth(
  config: CredentialsConfig,
  deps: { readonly env: Readonly<Record<string, string | undefined>>; readonly baseDir: string },
): Promise<OpsAuth> {
  const problems: { path: string; message: string }[] = [];
  const names = [...Object.keys(config.apiKeys ?? {}), ...Object.keys(config.jwt ?? {})];
  if (names.length === 0) problems.push({ path: "ops.auth", message: "define at least one of apiKeys, jwt" });
  checkCredentials({ auth: config }, (at, message) =>
    problems.push({ path: `ops.${formatGatewayPath(at)}`, message }),
  );
  const authenticator = await createAuthenticator(config, { ...deps, at: "ops.auth" }, problems);
  const check = authenticator.forRoute({ auth: names });
  if (check === undefined || problems.length > 0) throw new ConfigError(problems);
  return async (headers) => {
    try {
      await check({ headers: withBasicKey(headers), params: {} });
      return { ok: true };
    } catch (err) {
      if (err instanceof UnauthorizedError) {
        const challenge = ['Basic realm="junction ops"', err.challenge].filter(Boolean).join(", ");
        return { ok: false, status: 401, reason: err.message, challenge };
      }
      if (err instanceof ForbiddenError) return { ok: false, status: 403, reason: err.message };
      throw err;
    }
  };
}

/** `Authorization: Basic base64(user:key)` read as `X-Api-Key: key` (the user name is ignored). */
function withBasicKey(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const basic = BASIC.exec(headers.authorization ?? "")?.[1];
  if (basic === undefined || headers["x-api-key"] !== undefined) return headers;
  const decoded = Buffer.from(basic, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return headers;
  const { authorization: _, ...rest } = headers;
  return { ...rest, "x-api-key": decoded.slice(colon + 1) };
}
