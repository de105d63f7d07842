import { type JunctionClient, MessageKind, type SubjectRouter, serviceErrorHeaders } from "@junction/sdk";
import type { Lanes } from "@junction/sdk/partitions";
import { sleep } from "@junction/sdk/resilience";
import type { CompiledRoute } from "../routes/compile.ts";
import { createMessageScope, type RouteMessage } from "../targets/message.ts";
import type { TemplateScope } from "../templates/index.ts";
import type { TargetChannel } from "./channel.ts";
import { type HandleDeps, handleMessage } from "./handle.ts";
import { ownMatch, routeMessage } from "./received.ts";

export const QUEUE_GROUP = "junction";

export interface CoreRouteDeps extends HandleDeps {
  readonly client: JunctionClient;
  readonly router: SubjectRouter<CompiledRoute>;
  readonly lanes: Lanes;
  /** The reply target's channel and deadline, for `reply:` routes. */
  readonly reply?: { readonly channel: TargetChannel; readonly timeoutMs: number } | undefined;
}

export interface CoreRoute {
  readonly route: string;
  inflight(): number;
  stop(): Promise<void>;
}

/**
 * A core subscription in queue group `junction` (at-most-once: bridge instances share the load, and a
 * message in flight when the process dies is lost — use `stream:` for at-least-once). Failed targets
 * are retried in process and dead-lettered like stream messages. Requests to a `reply:` route are
 * answered with the function's result, or a service error: 400 unmappable, 500 function error, 504
 * no answer within the route's `timeoutMs`.
 */
export function startCoreRoute(deps: CoreRouteDeps): CoreRoute {
  const { rt, policy, client } = deps;
  const route = rt.route;
  const labels = { route: route.name };
  const log = deps.logger.child({ route: route.name });
  const sub = client.nc.subscribe(route.pattern.natsSubject, { queue: QUEUE_GROUP });
  const held = new Set<Promise<void>>();
  let wakeSlot: (() => void) | undefined;

  const process = async (subject: string, data: Uint8Array, headers: RouteMessageHeaders, reply?: string) => {
    rt.metrics.messagesIn.inc(labels);
    const match = ownMatch(deps.router, route, subject);
    if (match === undefined) return rt.metrics.skipped.inc(labels);
    const message = routeMessage({ subject, data, headers }, undefined);
    const scope = createMessageScope(message, match.captures);
    const work: Promise<void>[] = [];
    if (deps.reply !== undefined && reply !== undefined) work.push(answer(deps, message, scope, reply));
    if (route.targets.length > 0) {
      let key: string | undefined;
      try {
        key = route.orderingKey?.renderText(scope);
      } catch {
        key = undefined;
      }
      const noop = () => {};
      const lane = key === undefined ? undefined : `${route.name}\u0000${key}`;
      work.push(
        deps.lanes.run(lane, () =>
          handleMessage(deps, { deliveryCount: 1, ack: noop }, message, scope, key !== undefined),
        ),
      );
    }
    await Promise.all(work);
  };

  const loop = (async () => {
    for await (const m of sub) {
      while (held.size >= policy.concurrency) await new Promise<void>((r) => (wakeSlot = r));
      const p = process(m.subject, m.data, m.headers, m.reply)
        .catch((err: unknown) => log.error({ err, subject: m.subject }, "message handling failed"))
        .finally(() => {
          held.delete(p);
          wakeSlot?.();
        });
      held.add(p);
    }
  })();

  return {
    route: route.name,
    inflight: () => held.size,
    async stop() {
      // drain(): the server stops sending, buffered messages are still handed to the loop.
      if (!sub.isClosed()) await sub.drain().catch(() => {});
      await loop;
      await Promise.all(held);
    },
  };
}

type RouteMessageHeaders = Parameters<typeof routeMessage>[0]["headers"];

async function answer(deps: CoreRouteDeps, message: RouteMessage, scope: TemplateScope, replyTo: string) {
  const reply = deps.reply;
  const target = deps.rt.route.reply;
  if (reply === undefined || target === undefined) return;
  const labels = { route: deps.rt.route.name, target: reply.channel.label };
  const respond = (data: Uint8Array | undefined, code?: number, error?: string) => {
    const headers = code === undefined ? {} : serviceErrorHeaders(code, error ?? "");
    deps.client.publish(replyTo, data ?? new Uint8Array(), {
      causedBy: { id: message.id, correlationId: message.correlationId },
      kind: MessageKind.Reply,
      headers,
    });
  };
  let request: ReturnType<typeof target.map>;
  try {
    request = target.map(scope, message);
  } catch (err) {
    deps.rt.metrics.failed.inc({ ...labels, code: "ERR_MAPPING" });
    return respond(undefined, 400, (err as Error).message);
  }
  const timer = new AbortController();
  const outcome = await Promise.race([
    reply.channel.deliver(request),
    sleep(reply.timeoutMs, timer.signal).then(() => undefined),
  ]);
  timer.abort();
  if (outcome === undefined) {
    deps.rt.metrics.failed.inc({ ...labels, code: "ERR_TIMEOUT" });
    return respond(undefined, 504, `${request.resource} did not answer within ${reply.timeoutMs} ms`);
  }
  if (outcome.ok && outcome.functionError !== undefined) {
    // A function error is a delivered call whose answer is an error: 504 when Lambda timed the function
    // out (AWS says so only in the message text: "Task timed out after N seconds"), else 500.
    const { errorMessage } = parseFunctionError(outcome.reply);
    const timedOut = /Task timed out after/.test(errorMessage);
    deps.rt.metrics.failed.inc({ ...labels, code: timedOut ? "ERR_TIMEOUT" : "ERR_FUNCTION" });
    return respond(undefined, timedOut ? 504 : 500, errorMessage || outcome.functionError);
  }
  if (outcome.ok) {
    deps.rt.metrics.delivered.inc(labels);
    return respond(outcome.reply);
  }
  deps.rt.metrics.failed.inc({ ...labels, code: outcome.error.code });
  respond(undefined, 500, outcome.error.message);
}

/** Lambda's function-error payload: `{ errorType, errorMessage, trace }` (or something else entirely). */
function parseFunctionError(payload: Uint8Array | undefined): { errorMessage: string } {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(payload ?? new Uint8Array())) as {
      errorMessage?: unknown;
    };
    return { errorMessage: typeof parsed.errorMessage === "string" ? parsed.errorMessage : "" };
  } catch {
    return { errorMessage: "" };
  }
}
