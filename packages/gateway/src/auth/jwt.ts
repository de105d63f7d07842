import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTPayload, jwtVerify } from "jose";
import type { JwtConfig } from "../config/schema.ts";
import type { ConfigProblems } from "./api-keys.ts";
import type { Principal } from "./principal.ts";

/** One configured issuer: verifies a bearer token, or says why not with jose's stable error code. */
export interface JwtIssuer {
  readonly name: string;
  verify(token: string): Promise<Principal | { readonly rejected: string }>;
}

/**
 * Tokens are verified by `jose` against the issuer's JWKS: a file read at start-up, or a URL that jose
 * fetches and caches (refetching when a token names a key it has not seen, at most every 30 s).
 */
export async function createJwtIssuer(
  name: string,
  config: JwtConfig,
  baseDir: string,
  problems: ConfigProblems,
  at = "gateway.auth",
): Promise<JwtIssuer | undefined> {
  const path = `${at}.jwt.${name}.jwks`;
  let keys: Parameters<typeof jwtVerify>[1];
  if (/^https?:\/\//i.test(config.jwks)) {
    keys = createRemoteJWKSet(new URL(config.jwks));
  } else {
    const file = isAbsolute(config.jwks) ? config.jwks : resolve(baseDir, config.jwks);
    try {
      keys = createLocalJWKSet(JSON.parse(await readFile(file, "utf8")) as JSONWebKeySet);
    } catch (err) {
      const why = (err as { code?: unknown }).code ?? (err as Error).name;
      problems.push({ path, message: `cannot use ${file} as a JWKS (${String(why)})` });
      return undefined;
    }
  }
  const options = {
    ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
    ...(config.audience === undefined ? {} : { audience: config.audience as string | string[] }),
    ...(config.algorithms === undefined ? {} : { algorithms: [...config.algorithms] }),
  };
  return {
    name,
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keys, options);
        return {
          kind: "jwt",
          credential: name,
          ...(typeof payload.sub === "string" ? { subject: payload.sub } : {}),
          scopes: scopesOf(payload),
          ...(config.tenantsClaim === undefined ? {} : { tenants: tenantsOf(payload[config.tenantsClaim]) }),
        };
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        return { rejected: typeof code === "string" ? code : "ERR_JWT_INVALID" };
      }
    },
  };
}

/** The tenants claim: one tenant as a string, or an array of them; anything else grants none. */
function tenantsOf(claim: unknown): Set<string> {
  if (typeof claim === "string") return new Set([claim]);
  return new Set(Array.isArray(claim) ? claim.filter((t): t is string => typeof t === "string") : []);
}

/** OAuth 2 `scope` (space-separated) and the `scp` array some issuers use instead. */
function scopesOf(payload: JWTPayload): Set<string> {
  const scopes = new Set<string>();
  if (typeof payload.scope === "string") for (const s of payload.scope.split(" ")) if (s) scopes.add(s);
  if (Array.isArray(payload.scp)) for (const s of payload.scp) if (typeof s === "string") scopes.add(s);
  return scopes;
}
