import { JunctionError } from "@junction/sdk";
import { EchoSkippedError } from "../errors.ts";
import type { CompiledRoute } from "../routes/compile.ts";
import { DeliveryError, DeliveryErrorCode } from "../targets/delivery.ts";
import type { RouteMessage } from "../targets/message.ts";
import { withTraceContext } from "../targets/trace-context.ts";
import type { TemplateScope } from "../templates/index.ts";
import { inSpan, SpanKind } from "../tracing/index.ts";
import { type TargetChannel, TargetPausedError } from "./channel.ts";
import type { BridgeMetrics } from "./metrics.ts";

/** What one attempt at one target came to. */
export type TargetResult =
  | { readonly kind: "done" }
  /** Permanent: a mapping error, a refusal, a size limit, a failed condition under `dlq`. */
  | { readonly kind: "dead"; readonly code: string; readonly message: string }
  /** Worth another attempt; `paused`: the breaker is open and nothing was sent. */
  | {
      readonly kind: "retry";
      readonly code: string;
      readonly message: string;
      readonly paused: boolean;
      readonly retryAfterMs: number;
    };

export interface RouteTargets {
  readonly route: CompiledRoute;
  /** Parallel to `route.targets`. */
  readonly channels: readonly TargetChannel[];
  readonly metrics: BridgeMetrics;
}

/**
 * One attempt at every target of the route that is not `done` yet, in parallel (each through its own
 * batcher). Mapping happens here, per attempt, so a fixed template needs no special redelivery path.
 */
export async function attemptTargets(
  rt: RouteTargets,
  message: RouteMessage,
  scope: TemplateScope,
  done: ReadonlySet<number>,
): Promise<Map<number, TargetResult>> {
  if (rt.route.targets.length === 1) {
    // The common case, without the fan-out bookkeeping.
    const [target] = rt.route.targets;
    const [channel] = rt.channels;
    if (target === undefined || channel === undefined || done.has(0)) return new Map();
    return new Map([[0, await attemptOne(rt, channel, () => target.map(scope, message))]]);
  }
  const pending: Promise<[number, TargetResult]>[] = [];
  rt.route.targets.forEach((target, i) => {
    const channel = rt.channels[i];
    if (done.has(i) || channel === undefined) return;
    pending.push(attemptOne(rt, channel, () => target.map(scope, message)).then((r) => [i, r]));
  });
  return new Map(await Promise.all(pending));
}

export async function attemptOne(
  rt: Pick<RouteTargets, "route" | "metrics">,
  channel: TargetChannel,
  map: () => ReturnType<CompiledRouteTarget["map"]>,
): Promise<TargetResult> {
  const labels = { route: rt.route.name, target: channel.label };
  let request: ReturnType<CompiledRouteTarget["map"]>;
  try {
    request = map();
  } catch (err) {
    if (err instanceof EchoSkippedError) {
      rt.metrics.echoes.inc(labels);
      return { kind: "done" };
    }
    const dead = mappingFailure(err);
    rt.metrics.failed.inc({ ...labels, code: dead.code });
    return dead;
  }
  const sent = request;
  const outcome = await inSpan(
    () => ({
      name: `send ${channel.label}`,
      kind: SpanKind.PRODUCER,
      attributes: {
        "junction.route": rt.route.name,
        "junction.target": channel.label,
        "cloud.service": sent.service,
        "messaging.destination.name": sent.resource,
      },
    }),
    (_span, ctx) => channel.deliver(withTraceContext(sent, ctx)),
    (o) => (o.ok ? undefined : o.error),
  );
  if (outcome.ok) {
    rt.metrics.delivered.inc(labels);
    return { kind: "done" };
  }
  const error = outcome.error;
  if (error instanceof TargetPausedError) {
    return {
      kind: "retry",
      code: error.code,
      message: error.message,
      paused: true,
      retryAfterMs: error.retryAfterMs,
    };
  }
  rt.metrics.failed.inc({ ...labels, code: error.code });
  if (error.code === DeliveryErrorCode.ConditionFailed && channel.onConditionFailed === "drop") {
    rt.metrics.dropped.inc(labels);
    return { kind: "done" };
  }
  if (!(error instanceof DeliveryError) || !error.retryable) {
    return { kind: "dead", code: error.code, message: error.message };
  }
  return { kind: "retry", code: error.code, message: error.message, paused: false, retryAfterMs: 0 };
}

type CompiledRouteTarget = CompiledRoute["targets"][number];

/** MappingError, TemplateError or anything else thrown while mapping: the message itself is wrong. */
function mappingFailure(err: unknown): Extract<TargetResult, { kind: "dead" }> {
  const code = err instanceof JunctionError ? err.code : "ERR_MAPPING";
  return { kind: "dead", code, message: (err as Error).message ?? String(err) };
}

/** Why target `i` can never take the message, when mapping alone says so (nothing is sent). */
export function mappingError(
  rt: Pick<RouteTargets, "route">,
  i: number,
  message: RouteMessage,
  scope: TemplateScope,
): Extract<TargetResult, { kind: "dead" }> | undefined {
  try {
    rt.route.targets[i]?.map(scope, message);
    return undefined;
  } catch (err) {
    return err instanceof EchoSkippedError ? undefined : mappingFailure(err);
  }
}
