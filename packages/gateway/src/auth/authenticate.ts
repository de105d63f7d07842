import type { IncomingHttpHeaders } from "node:http";
import type { CredentialsConfig, GatewayAuthConfig, GatewayRoute } from "../config/schema.ts";
import { ForbiddenError, UnauthorizedError } from "../errors.ts";
import { first } from "../http/identity.ts";
import { type ConfigProblems, createApiKeys } from "./api-keys.ts";
import { createJwtIssuer, type JwtIssuer } from "./jwt.ts";
import type { Principal } from "./principal.ts";

/** What a route's check reads of a request: its headers, and its path parameters for the tenant. */
export interface AuthRequest {
  readonly headers: IncomingHttpHeaders;
  readonly params: unknown;
}

/** Checks one route's caller; resolves with who it is, or throws 401 / 403 errors. */
export type RouteAuth = (req: AuthRequest) => Promise<Principal>;

export interface Authenticator {
  /** The route's check, or undefined when the route is open. */
  forRoute(route: Pick<GatewayRoute, "auth" | "scopes" | "tenant">): RouteAuth | undefined;
}

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;

/**
 * 401 means "we could not tell who you are" (nothing sent, an unknown key, a token no issuer accepts);
 * 403 means "we know who you are, and not for this": a credential the route does not list, a
 * missing scope, or a tenant (the route's `tenant` path parameter) the credential may not act for.
 */
export async function createAuthenticator(
  config: CredentialsConfig & Pick<GatewayAuthConfig, "default">,
  deps: {
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly baseDir: string;
    /** Where the credentials are in junction.yaml, for problems: default `gateway.auth`. */
    readonly at?: string;
  },
  problems: ConfigProblems,
): Promise<Authenticator> {
  const apiKey = createApiKeys(config.apiKeys ?? {}, deps.env, problems, deps.at);
  const issuers: JwtIssuer[] = [];
  for (const [name, jwt] of Object.entries(config.jwt ?? {})) {
    const issuer = await createJwtIssuer(name, jwt, deps.baseDir, problems, deps.at);
    if (issuer !== undefined) issuers.push(issuer);
  }

  return {
    forRoute(route) {
      const accepted = route.auth ?? config.default ?? "none";
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

      const tenant = route.tenant;
      return async (req) => {
        const principal = await identify(req.headers);
        const missing = required.filter((s) => !principal.scopes.has(s));
        if (missing.length > 0) throw new ForbiddenError(`missing scope ${missing.join(", ")}`);
        if (tenant !== undefined) {
          const value = (req.params as Record<string, string | undefined>)[tenant] ?? "";
          const tenants = principal.tenants;
          if (tenants !== "*" && tenants?.has(value) !== true) {
            throw new ForbiddenError(
              `credential "${principal.credential}" may not act for ${tenant} ${JSON.stringify(value)}`,
            );
          }
        }
        return principal;
      };
    },
  };
}

function notAllowed(p: Principal): ForbiddenError {
  return new ForbiddenError(`credential "${p.credential}" may not call this route`);
}
