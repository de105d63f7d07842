import { parsePattern } from "@junction/sdk";
import type { PathSegment, ReportProblem } from "./path.ts";
import type { JunctionConfig } from "./schema.ts";

type Gateway = NonNullable<JunctionConfig["gateway"]>;
type GatewayRoute = Gateway["routes"][number];

/** Paths the gateway serves itself (docs/gateway.md, "Operations"). */
export const GATEWAY_OPS_PATHS: readonly string[] = ["/healthz", "/readyz", "/metrics", "/openapi.json"];

const PARAM = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Hosts only this machine can reach: listeners there need no auth. */
export const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|::1|\[::1\])$/i;
// Secrets, hop-by-hop headers and names Junction writes itself never travel from HTTP into NATS.
const UNFORWARDABLE = new Set([
  "authorization",
  "x-api-key",
  "connection",
  "content-length",
  "host",
  "keep-alive",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** The meaning of `gateway:`: route kinds, subjects against path parameters, auth references, exposure. */
export function checkGateway(gateway: Gateway, report: ReportProblem): void {
  const credentials = checkCredentials(gateway, report);
  const loopback = LOOPBACK.test(gateway.listen.slice(0, gateway.listen.lastIndexOf(":")));
  checkHeaderNames(gateway.headers?.request ?? [], ["gateway", "headers", "request"], report);
  const seen = new Map<string, number>();
  gateway.routes.forEach((route, i) => {
    const at = (...rest: PathSegment[]) => ["gateway", "routes", i, ...rest];
    const params = checkPath(route.path, at("path"), report);
    checkKind(route, params, at, report);
    if (route.method === "GET" && route.schema?.body !== undefined) {
      report(at("schema", "body"), "GET requests have no body; validate `schema.query` instead");
    }
    const limit = gateway.limits?.maxInFlight;
    if (route.maxInFlight !== undefined && limit !== undefined && route.maxInFlight > limit) {
      report(at("maxInFlight"), `${route.maxInFlight} can never be reached: limits.maxInFlight is ${limit}`);
    }
    checkHeaderNames(route.headers ?? [], at("headers"), report);

    const auth = route.auth ?? gateway.auth?.default ?? "none";
    if (Array.isArray(route.auth)) {
      route.auth.forEach((name, j) => {
        if (!credentials.has(name)) report(at("auth", j), unknownCredential(name, credentials));
      });
    }
    if (auth === "none") {
      if (route.scopes !== undefined) report(at("scopes"), "scopes need auth: the route is open");
      if (!loopback && gateway.allowUnauthenticated !== true) {
        report(
          at("auth"),
          `open to anyone on ${gateway.listen}: add auth, or set gateway.allowUnauthenticated: true`,
        );
      }
    }

    // fastify cannot tell `/a/:x` from `/a/:y`: compare the shapes.
    const key = `${route.method} ${route.path.replace(/:[^/]*/g, ":")}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else report(at("path"), `duplicate route ${route.method} ${route.path} (also gateway.routes[${first}])`);
  });
}

/** Names defined under `auth.apiKeys` and `auth.jwt`; reports bad keys and dangling `default` names. */
function checkCredentials(gateway: Gateway, report: ReportProblem): Set<string> {
  const names = new Set<string>();
  for (const [name, key] of Object.entries(gateway.auth?.apiKeys ?? {})) {
    names.add(name);
    if ((key.sha256 === undefined) === (key.env === undefined)) {
      report(["gateway", "auth", "apiKeys", name], "needs exactly one of `sha256`, `env`");
    }
  }
  for (const [name, jwt] of Object.entries(gateway.auth?.jwt ?? {})) {
    if (names.has(name)) report(["gateway", "auth", "jwt", name], `"${name}" is also an API key name`);
    names.add(name);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(jwt.jwks) && !/^https?:\/\//i.test(jwt.jwks)) {
      report(["gateway", "auth", "jwt", name, "jwks"], "use a file path or an http(s):// URL");
    }
  }
  gateway.auth?.default?.forEach((name, j) => {
    if (!names.has(name)) report(["gateway", "auth", "default", j], unknownCredential(name, names));
  });
  return names;
}

/** The path's parameter names; reports what fastify would misread. */
function checkPath(path: string, at: readonly PathSegment[], report: ReportProblem): string[] {
  if (GATEWAY_OPS_PATHS.includes(path)) report(at, `${path} is served by the gateway itself`);
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
  at: (...rest: PathSegment[]) => PathSegment[],
  report: ReportProblem,
): void {
  const kinds = (["request", "publish", "stream"] as const).filter((k) => route[k] !== undefined);
  if (kinds.length !== 1) report(at(), "needs exactly one of `request`, `publish`, `stream`");
  if (route.durable !== undefined && route.publish === undefined) {
    report(at("durable"), "only `publish` routes can be durable");
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

function checkHeaderNames(names: readonly string[], at: readonly PathSegment[], report: ReportProblem): void {
  names.forEach((name, j) => {
    const lower = name.toLowerCase();
    if (UNFORWARDABLE.has(lower) || lower.startsWith("junction-") || lower.startsWith("nats-")) {
      report([...at, j], `${name} cannot be passed on to NATS`);
    }
  });
}

function unknownCredential(name: string, known: ReadonlySet<string>): string {
  const list = known.size === 0 ? "none is defined" : `defined: ${[...known].join(", ")}`;
  return `unknown credential "${name}" (gateway.auth.apiKeys / gateway.auth.jwt; ${list})`;
}
