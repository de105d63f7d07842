import { isDeepStrictEqual } from "node:util";
import { ServiceError } from "@junction/sdk";
import { pathParams } from "../config/paths.ts";
import { GatewayConfigError } from "../errors.ts";
import { type Answer, createRouteCall } from "./call.ts";
import type { GatewayContext, RouteRuntime } from "./context.ts";
import type { Outbound } from "./prepare.ts";
import { compileSubject } from "./subject.ts";

type Params = Readonly<Record<string, string | undefined>>;

/** Sends a request route's call: to its subject, or shifted by the route's `shadow` or `canary`. */
export type RouteCaller = (params: Params, out: Outbound) => Promise<Answer>;

/** How a shadow comparison ended, the `result` label of `junction_gateway_shadow_total`. */
export type ShadowResult = "match" | "mismatch" | "error" | "skipped";

/**
 * Traffic shifting between an old handler (the route's subject) and a new one:
 * - `canary`: `percent` of calls go to the new subject instead, picked by a hash of the idempotency key
 *   (else the correlation id, which a caller's retries can share through `X-Correlation-Id`), so a retry
 *   lands where its first attempt did;
 * - `shadow`: every call also goes to the new subject; the caller gets the old handler's answer at once
 *   and the two are compared afterwards. Durable shadows use the key `shadow-<key>`, so the shadow never
 *   reads (or writes) the old handler's outcome.
 */
export function createRouteCaller(rt: RouteRuntime, ctx: GatewayContext): RouteCaller {
  const { config } = rt;
  const durable = config.durable === true;
  const call = createRouteCall(durable, rt.timeoutMs, ctx);
  const shift = config.shadow ?? config.canary;
  if (shift === undefined) return (_params, out) => call(out.subject, out);
  const field = config.shadow !== undefined ? "shadow" : "canary";
  const candidate = compileSubject(shift.subject, pathParams(config.path));
  if (typeof candidate === "string") {
    throw new GatewayConfigError([
      { path: `${config.method} ${config.path} ${field}.subject`, message: candidate },
    ]);
  }

  if (config.canary !== undefined) {
    const share = Math.round(config.canary.percent * 100); // of 10,000 buckets
    const toOld = ctx.metrics.canary.labels({ route: rt.label, target: "old" });
    const toNew = ctx.metrics.canary.labels({ route: rt.label, target: "new" });
    return (params, out) => {
      const sticky = out.options.idempotencyKey ?? out.options.causedBy.correlationId;
      if (bucketOf(sticky) >= share) {
        toOld.inc();
        return call(out.subject, out);
      }
      toNew.inc();
      return call(candidate(params), out);
    };
  }

  const ignore = (config.shadow?.ignore ?? []).map((path) => path.split("."));
  const max = config.maxInFlight ?? ctx.settings.maxInFlight;
  let shadows = 0;
  const count = (result: ShadowResult) => ctx.metrics.shadow.inc({ route: rt.label, result });
  return (params, out) => {
    const primary = call(out.subject, out);
    const key = out.options.idempotencyKey;
    if (shadows >= max || (durable && key === undefined)) {
      count("skipped");
      return primary;
    }
    shadows++;
    const options = durable ? { ...out.options, idempotencyKey: `shadow-${key}` } : out.options;
    const second = call(candidate(params), { ...out, options });
    void Promise.allSettled([primary, second]).then(([a, b]) => {
      shadows--;
      count(compare(a, b, ignore));
    });
    return primary;
  };
}

/** FNV-1a of the key into 10,000 buckets: stable across processes and restarts. */
export function bucketOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % 10_000;
}

/** Same answer: equal JSON (but the ignored fields) or equal bytes, or the same service error code. */
export function compare(
  old: PromiseSettledResult<Answer>,
  next: PromiseSettledResult<Answer>,
  ignore: readonly (readonly string[])[],
): ShadowResult {
  const oldCode = old.status === "rejected" ? serviceCode(old.reason) : undefined;
  if (old.status === "rejected" && oldCode === undefined) return "skipped"; // nothing to compare with
  const nextCode = next.status === "rejected" ? serviceCode(next.reason) : undefined;
  if (next.status === "rejected" && nextCode === undefined) return "error";
  if (old.status === "fulfilled" && next.status === "fulfilled") {
    return sameBody(old.value.data, next.value.data, ignore) ? "match" : "mismatch";
  }
  return oldCode === nextCode ? "match" : "mismatch";
}

function serviceCode(err: unknown): number | undefined {
  return err instanceof ServiceError ? err.serviceCode : undefined;
}

function sameBody(a: Uint8Array, b: Uint8Array, ignore: readonly (readonly string[])[]): boolean {
  const x = parseJson(a);
  const y = parseJson(b);
  if (x === undefined || y === undefined) return Buffer.from(a).equals(Buffer.from(b));
  for (const path of ignore) {
    drop(x, path);
    drop(y, path);
  }
  return isDeepStrictEqual(x, y);
}

function parseJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(data).toString("utf8"));
  } catch {
    return undefined;
  }
}

function drop(value: unknown, path: readonly string[]): void {
  let node = value;
  for (let i = 0; i < path.length - 1; i++) {
    if (typeof node !== "object" || node === null) return;
    node = (node as Record<string, unknown>)[path[i] as string];
  }
  if (typeof node === "object" && node !== null)
    delete (node as Record<string, unknown>)[path.at(-1) as string];
}
