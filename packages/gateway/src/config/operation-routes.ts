import { parsePattern } from "@junction/sdk";
import type { GatewayConfigPath } from "./check.ts";
import type { OperationConfig } from "./operations-schema.ts";
import type { GatewayConfig, GatewayRoute, GatewaySection } from "./schema.ts";

/** The sections of junction.yaml the gateway serves: `gateway:` and the operation catalogue. */
export interface GatewaySections {
  readonly gateway?: GatewaySection | undefined;
  readonly operations: readonly OperationConfig[];
}

/** The capture an operation's tenant is in unless `http.tenant` names another (docs/payments.md). */
export const DEFAULT_TENANT = "merchantId";

/** `/v1/<group>/:<capture>/…/<operation>` unless the operation names its own path. */
export function operationPath(op: OperationConfig): string {
  if (op.http !== false && op.http?.path !== undefined) return op.http.path;
  const [group, name] = op.name.split(".") as [string, string];
  const params = captureNames(op.subject).map((c) => `/:${c}`);
  return `/v1/${group}${params.join("")}/${name}`;
}

/** The durable consumer workers of a durable operation share: `payments.authorize` → `payments-authorize`. */
export function operationConsumer(op: Pick<OperationConfig, "name">): string {
  return op.name.replace(".", "-");
}

/** The operations served over HTTP, with their place in the catalogue. */
function httpOperations(operations: readonly OperationConfig[]) {
  return operations.flatMap((op, index) => (op.http === false ? [] : [{ op, http: op.http ?? {}, index }]));
}

/**
 * Gateway routes of every operation served over HTTP, in catalogue order. `defaultAuth` is
 * `gateway.auth.default`: a route with auth binds callers to the tenant in `merchantId` by default.
 */
export function operationRoutes(
  operations: readonly OperationConfig[],
  defaultAuth?: readonly string[],
): GatewayRoute[] {
  return httpOperations(operations).map(({ op, http }): GatewayRoute => {
    const open = (http.auth ?? defaultAuth ?? "none") === "none";
    const tenant =
      http.tenant ??
      (!open && captureNames(op.subject).includes(DEFAULT_TENANT) ? DEFAULT_TENANT : undefined);
    return {
      method: http.method ?? "POST",
      path: operationPath(op),
      request: op.subject,
      ...(op.kind === "durable" ? { durable: true } : {}),
      timeoutMs: op.timeoutMs,
      ...(op.maxInFlight === undefined ? {} : { maxInFlight: op.maxInFlight }),
      ...(op.schema === undefined ? {} : { schema: op.schema }),
      ...(op.shadow === undefined ? {} : { shadow: op.shadow }),
      ...(op.canary === undefined ? {} : { canary: op.canary }),
      ...(http.auth === undefined ? {} : { auth: http.auth }),
      ...(http.scopes === undefined ? {} : { scopes: http.scopes }),
      ...(tenant === undefined ? {} : { tenant }),
    };
  });
}

/**
 * Where each route `servedGateway` lists is written in junction.yaml, so a problem the gateway finds in
 * a route (`["routes", i, field, …]`) is reported at `gateway.routes[i].field` or at the operation's field.
 */
export function servedRouteOrigins(config: GatewaySections): {
  readonly name: string;
  at(rest: GatewayConfigPath): (string | number)[];
}[] {
  const written = (config.gateway?.routes ?? []).map((_, i) => ({
    name: `gateway.routes[${i}]`,
    at: (rest: GatewayConfigPath) => ["gateway", "routes", i, ...rest],
  }));
  const generated = httpOperations(config.operations).map(({ op, http, index }) => ({
    name: `operations[${index}] (${op.name})`,
    at: (rest: GatewayConfigPath): (string | number)[] => {
      const [field, ...more] = rest;
      const base = ["operations", index];
      if (field === "request") return [...base, "subject", ...more];
      if (field === "path") return http.path === undefined ? base : [...base, "http", "path"];
      if (field === "method" || field === "auth" || field === "scopes" || field === "tenant") {
        return [...base, "http", field, ...more];
      }
      return [...base, ...rest];
    },
  }));
  return [...written, ...generated];
}

function captureNames(subject: string): string[] {
  try {
    return [...parsePattern(subject).captures];
  } catch {
    return []; // reported by the meaning checks
  }
}

/**
 * The `gateway:` section as `junction run` / `up` serve it: the configured routes, then one per
 * operation. Undefined without `gateway:` (operations are then reachable over NATS only).
 */
export function servedGateway(config: GatewaySections): GatewayConfig | undefined {
  const gateway = config.gateway;
  if (gateway === undefined) return undefined;
  return {
    ...gateway,
    routes: [...gateway.routes, ...operationRoutes(config.operations, gateway.auth?.default)],
  };
}
