/**
 * The meaning of a gateway config, checked the same way however it was written: by the config loader
 * for junction.yaml (routes of `gateway.routes` and those generated from `operations:`) and by
 * `createGateway` for a config written in code. Pure: no fastify, no I/O (what needs I/O, key variables
 * and JWKS files, is checked at start-up). Exported with the schema as `@junction/gateway/config`.
 */
import { parsePattern } from "@junction/sdk";
import { isForwardable } from "./forwarding.ts";
import { isLoopbackListen } from "./listen.ts";
import { OPS_PATHS } from "./paths.ts";
import type { GatewayConfig, GatewayRoute } from "./schema.ts";

/** Where in the gateway config: `["routes", 2, "auth"]`, `["auth", "apiKeys", "ci"]`. */
export type GatewayConfigPath = readonly (string | number)[];

export interface GatewayProblem {
  readonly at: GatewayConfigPath;
  readonly message: string;
}

const PARAM = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface CheckOptions {
  /** How a problem names another route (default `routes[i]`): the config loader names its origin. */
  readonly routeName?: (index: number) => string;
}

/** Every problem of the config, in config order. */
export function checkGatewayConfig(config: GatewayConfig, options: CheckOptions = {}): GatewayProblem[] {
  const routeName = options.routeName ?? ((i: number) => `routes[${i}]`);
  const problems: GatewayProblem[] = [];
  const report = (at: GatewayConfigPath, message: string) => problems.push({ at, message });
  const credentials = checkCredentials(config, report);
  const listen = config.listen;
  const loopback = isLoopbackListen(listen);
  checkHeaderNames(config.headers.request, ["headers", "request"], report);
  const seen = new Map<string, number>();
  config.routes.forEach((route, i) => {
    const at = (...rest: (string | number)[]) => ["routes", i, ...rest];
    const params = checkPath(route.path, at("path"), report);
    checkKind(route, params, at, report);
    if (route.method === "GET" && route.schema?.body !== undefined) {
      report(at("schema", "body"), "GET requests have no body; validate `schema.query` instead");
    }
    const limit = config.limits.maxInFlight;
    if (route.maxInFlight !== undefined && route.maxInFlight > limit) {
      report(at("maxInFlight"), `${route.maxInFlight} can never be reached: limits.maxInFlight is ${limit}`);
    }
    checkHeaderNames(route.headers ?? [], at("headers"), report);

    const auth = route.auth ?? config.auth?.default ?? "none";
    if (Array.isArray(route.auth)) {
      route.auth.forEach((name, j) => {
        if (!credentials.has(name)) report(at("auth", j), unknownCredential(name, credentials));
      });
    }
    if (auth === "none") {
      if (route.scopes !== undefined) report(at("scopes"), "scopes need auth: the route is open");
      if (route.tenant !== undefined) report(at("tenant"), "a tenant binding needs auth: the route is open");
      if (!loopback && !config.allowUnauthenticated) {
        report(at("auth"), `open to anyone on ${listen}: add auth, or set allowUnauthenticated: true`);
      }
    } else if (route.tenant !== undefined) {
      checkTenant(config, route.tenant, auth, params, at, report);
    }

    // fastify cannot tell `/a/:x` from `/a/:y`: compare the shapes.
    const key = `${route.method} ${route.path.replace(/:[^/]*/g, ":")}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else report(at("path"), `duplicate route ${route.method} ${route.path} (also ${routeName(first)})`);
  });
  return problems;
}

export type Report = (at: GatewayConfigPath, message: string) => void;

/**
 * Names defined under `auth.apiKeys` and `auth.jwt`; reports bad keys and dangling `default` names.
 * The ops listener's `ops.auth` is checked by it too.
 */
export function checkCredentials(config: Pick<GatewayConfig, "auth">, report: Report): Set<string> {
  const names = new Set<string>();
  for (const [name, key] of Object.entries(config.auth?.apiKeys ?? {})) {
    names.add(name);
    if ((key.sha256 === undefined) === (key.env === undefined)) {
      report(["auth", "apiKeys", name], "needs exactly one of `sha256`, `env`");
    }
  }
  for (const [name, jwt] of Object.entries(config.auth?.jwt ?? {})) {
    if (names.has(name)) report(["auth", "jwt", name], `"${name}" is also an API key name`);
    names.add(name);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(jwt.jwks) && !/^https?:\/\//i.test(jwt.jwks)) {
      report(["auth", "jwt", name, "jwks"], "use a file path or an http(s):// URL");
    }
  }
  config.auth?.default?.forEach((name, j) => {
    if (!names.has(name)) report(["auth", "default", j], unknownCredential(name, names));
  });
  return names;
}

/**
 * The tenant is a path parameter, and every credential the route accepts says which tenants it may
 * act for (an API key's `tenants`, a JWT issuer's `tenantsClaim`): one that cannot would get 403 always.
 */
function checkTenant(
  config: GatewayConfig,
  tenant: string,
  accepted: readonly string[],
  params: readonly string[],
  at: (...rest: (string | number)[]) => (string | number)[],
  report: Report,
): void {
  if (!params.includes(tenant)) {
    const known = params.length === 0 ? "the path has none" : `the path has :${params.join(", :")}`;
    report(at("tenant"), `:${tenant} is not a path parameter (${known})`);
  }
  for (const name of accepted) {
    const key = config.auth?.apiKeys?.[name];
    const jwt = config.auth?.jwt?.[name];
    if (key !== undefined && key.tenants === undefined) {
      report(at("tenant"), `API key "${name}" names no tenants: give it \`tenants\` (a list, or "*")`);
    } else if (jwt !== undefined && jwt.tenantsClaim === undefined) {
      report(
        at("tenant"),
        `JWT issuer "${name}" names no \`tenantsClaim\` (the claim listing a caller's tenants)`,
      );
    }
  }
}

/** The path's parameter names; reports what fastify would misread. */
function checkPath(path: string, at: GatewayConfigPath, report: Report): string[] {
  if ((OPS_PATHS as readonly string[]).includes(path)) report(at, `${path} is served by the gateway itself`);
  const params: string[] = [];
  for (const segment of path.split("/")) {
    if (segment.includes("*")) report(at, "wildcards (*) are not supported; use `:name` segments");
    if (!segment.includes(":")) continue;
    const name = segment.slice(1);
    if (!segment.startsWith(":") || !PARAM.test(name)) {
      report(at, `"${segment}": a parameter is a whole segment \`:name\` (letters, digits, _)`);
    } else if (params.includes(name)) {
      report(at, `parameter :${name} appears twice`);
    } else {
      params.push(name);
    }
  }
  return params;
}

/** Exactly one of request/publish/stream, whose subject fills `{name}` tokens from path parameters. */
function checkKind(
  route: GatewayRoute,
  params: readonly string[],
  at: (...rest: (string | number)[]) => (string | number)[],
  report: Report,
): void {
  const kinds = (["request", "publish", "stream"] as const).filter((k) => route[k] !== undefined);
  if (kinds.length !== 1) report(at(), "needs exactly one of `request`, `publish`, `stream`");
  if (route.durable !== undefined && route.stream !== undefined) {
    report(at("durable"), "stream routes cannot be durable");
  }
  for (const kind of kinds) {
    const source = route[kind] as string;
    try {
      const pattern = parsePattern(source);
      for (const token of pattern.tokens) {
        if (token.kind === "literal") continue;
        if (token.capture === undefined) {
          report(
            at(kind),
            `"${source}": a gateway subject has no wildcards; use {name} for a path parameter`,
          );
        } else if (token.kind === "rest") {
          report(at(kind), `{${token.capture}>}: a path parameter fills one token; write {${token.capture}}`);
        } else if (!params.includes(token.capture)) {
          const known = params.length === 0 ? "the path has none" : `the path has :${params.join(", :")}`;
          report(at(kind), `{${token.capture}} is not a path parameter (${known})`);
        }
      }
    } catch (err) {
      report(at(kind), (err as Error).message);
    }
  }
}

function checkHeaderNames(names: readonly string[], at: GatewayConfigPath, report: Report): void {
  names.forEach((name, j) => {
    if (!isForwardable(name)) {
      report([...at, j], `${name} cannot be passed on to NATS`);
    }
  });
}

function unknownCredential(name: string, known: ReadonlySet<string>): string {
  const list = known.size === 0 ? "none is defined" : `defined: ${[...known].join(", ")}`;
  return `unknown credential "${name}" (auth.apiKeys / auth.jwt; ${list})`;
}

/** `routes[2].auth`, as problems print. */
export function formatGatewayPath(at: GatewayConfigPath): string {
  return at.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}
