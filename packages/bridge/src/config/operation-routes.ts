import { parsePattern } from "@junction/sdk";
import type { OperationConfig } from "./operations-schema.ts";
import type { JunctionConfig } from "./schema.ts";

type GatewaySection = NonNullable<JunctionConfig["gateway"]>;

/**
 * A gateway route serving one operation. Structurally the gateway's `GatewayRouteConfig` (the bridge
 * does not depend on the gateway): a `request` route, `durable` for durable operations.
 */
export interface OperationRoute {
  readonly method: "POST" | "PUT" | "PATCH" | "DELETE";
  readonly path: string;
  readonly request: string;
  readonly durable?: true;
  readonly timeoutMs: number;
  readonly maxInFlight?: number;
  readonly schema?: { readonly body: Readonly<Record<string, unknown>> };
  readonly shadow?: { readonly subject: string; readonly ignore?: readonly string[] | undefined };
  readonly canary?: { readonly subject: string; readonly percent: number };
}

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

/** Gateway routes of every operation served over HTTP, in catalogue order. */
export function operationRoutes(operations: readonly OperationConfig[]): OperationRoute[] {
  return operations
    .filter((op) => op.http !== false)
    .map((op) => ({
      method: (op.http === false ? undefined : op.http?.method) ?? "POST",
      path: operationPath(op),
      request: op.subject,
      ...(op.kind === "durable" ? { durable: true as const } : {}),
      timeoutMs: op.timeoutMs,
      ...(op.maxInFlight === undefined ? {} : { maxInFlight: op.maxInFlight }),
      ...(op.schema === undefined ? {} : { schema: op.schema }),
      ...(op.shadow === undefined ? {} : { shadow: op.shadow }),
      ...(op.canary === undefined ? {} : { canary: op.canary }),
    }));
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
export function servedGateway(
  config: JunctionConfig,
):
  | (Omit<GatewaySection, "routes"> & { routes: (GatewaySection["routes"][number] | OperationRoute)[] })
  | undefined {
  const gateway = config.gateway;
  if (gateway === undefined) return undefined;
  return { ...gateway, routes: [...gateway.routes, ...operationRoutes(config.operations)] };
}
