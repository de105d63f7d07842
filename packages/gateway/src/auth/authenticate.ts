import type { IncomingHttpHeaders } from "node:http";
import type { GatewayAuthConfig, GatewayRouteConfig } from "../config.ts";
import { ForbiddenError, UnauthorizedError } from "../errors.ts";
import { first } from "../http/identity.ts";
import { type ConfigProblems, createApiKeys } from "./api-keys.ts";
import { createJwtIssuer, type JwtIssuer } from "./jwt.ts";
import type { Principal } from "./principal.ts";

/** Checks one route's caller; resolves with who it is, or throws 401 / 403 errors. */
export type RouteAuth = (headers: IncomingHttpHeaders) => Promise<Principal>;

export interface Authenticator {
  /** The route's check, or undefined when the route is open. */
  forRoute(route: GatewayRouteConfig): RouteAuth | undefined;
}

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;

/**
 * 401 means "we could not tell who you are" (nothing sent, an unknown key, a token no issuer accepts);
 * 403 means "we know who you are, and not for this": a credential the route does not list, or a
 * missing scope.
 */
export async function createAuthenticator(
  config: GatewayAuthConfig | undefined,
  deps: { readonly env: Readonly<Record<string, string | undefined>>; readonly baseDir: string },
  problems: ConfigProblems,
): Promise<Authenticator> {
  const apiKey = createApiKeys(config?.apiKeys ?? {}, deps.env, problems);
  const issuers: JwtIssuer[] = [];
  for (const [name, jwt] of Object.entries(config?.jwt ?? {})) {
    const issuer = await createJwtIssuer(name, jwt, deps.baseDir, problems);
    if (issuer !== undefined) issuers.push(issuer);
  }

  return {
    forRoute(route) {
      const accepted = route.auth ?? config?.default ?? "none";
      if (accepted === "none") return undefined;
      const allowed = new Set(accepted);
      const required = route.scopes ?? [];
      const ours = issuers.filter((i) => allowed.has(i.name));
      const others = issuers.filter((i) => !allowed.has(i.name));
      const challenge = [
        ...(ours.length > 0 ? ['Bearer realm="junction"'] : []),
        ...(ours.length < allowed.size ? ['ApiKey realm="junction"'] : []),
      ].join(", ");

      const identify = async (headers: IncomingHttpHeaders): Promise<Principal> => {
        const key = first(headers["x-api-key"]);
        if (key !== undefined) {
          const principal = apiKey(key);
          if (principal === undefined) throw new UnauthorizedError("unknown API key", challenge);
          if (!allowed.has(principal.credential)) throw notAllowed(principal);
          return principal;
        }
        const token = BEARER.exec(first(headers.authorization) ?? "")?.[1];
        if (token === undefined) throw new UnauthorizedError("credentials required", challenge);
        let rejected = "ERR_JWT_INVALID";
        for (const issuer of ours) {
          const result = await issuer.verify(token);
          if (!("rejected" in result)) return result;
          rejected = result.rejected;
        }
        for (const issuer of others) {
          const result = await issuer.verify(token);
          if (!("rejected" in result)) throw notAllowed(result);
        }
        throw new UnauthorizedError(`token rejected (${rejected})`, challenge);
      };

      return async (headers) => {
        const principal = await identify(headers);
        const missing = required.filter((s) => !principal.scopes.has(s));
        if (missing.length > 0) throw new ForbiddenError(`missing scope ${missing.join(", ")}`);
        return principal;
      };
    },
  };
}

function notAllowed(p: Principal): ForbiddenError {
  return new ForbiddenError(`credential "${p.credential}" may not call this route`);
}
