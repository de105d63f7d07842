import { Headers, headerValue } from "@junction/sdk";
import { traceHeaderOf } from "../../aws/trace-context.ts";
import { EchoSkippedError, MappingError } from "../../errors.ts";
import { compileValue } from "../../templates/index.ts";
import { byteLength, compileField } from "../compile-field.ts";
import type { CompiledTarget, TargetCompileContext } from "../types.ts";
import type { EventBridgeTargetConfig } from "./config.ts";

/** PutEvents rejects an entry over 256 KB, counted as AWS documents it (time, source, detail-type, detail, resources). */
export const MAX_ENTRY_BYTES = 256 * 1024;
const TIME_BYTES = 14;

/**
 * Every event the bridge puts on a bus names its NATS subject in `resources` with this prefix: AWS
 * consumers see where it came from, and subscriptions know not to bring it back (loop prevention).
 */
export const NATS_RESOURCE_PREFIX = "junction:nats:";

export function compileEventBridgeTarget(
  config: EventBridgeTargetConfig,
  ctx: TargetCompileContext,
): CompiledTarget {
  const bus = compileField(ctx, "bus", config.bus);
  const source = compileField(ctx, "source", config.source);
  const detailType = compileField(ctx, "detailType", config.detailType);
  const detail = compileValue(config.detail, ctx.vocabulary, [...ctx.path, "detail"], ctx.report);
  const resources = (config.resources ?? []).map((r, i) =>
    compileField({ ...ctx, path: [...ctx.path, "resources"] }, String(i), r),
  );

  return {
    service: "eventbridge",
    map(scope, message) {
      const detailValue = detail.render(scope);
      if (detailValue === null || typeof detailValue !== "object" || Array.isArray(detailValue)) {
        throw new MappingError(
          `EventBridge detail must be a JSON object, got ${JSON.stringify(detailValue)}`,
        );
      }
      const busName = bus.renderText(scope);
      // Brought in from this bus by a subscription: putting it back would show AWS every event twice.
      const origin = `eventbridge:${busName}`;
      if (message.headers !== undefined && headerValue(message.headers, Headers.Origin) === origin)
        throw new EchoSkippedError(origin);
      const entry: Record<string, unknown> = {
        EventBusName: busName,
        Source: source.renderText(scope),
        DetailType: detailType.renderText(scope),
        Detail: JSON.stringify(detailValue),
        Time: message.time,
      };
      entry.Resources = [
        ...resources.map((r) => r.renderText(scope)),
        `${NATS_RESOURCE_PREFIX}${message.subject}`,
      ];
      const traceHeader = traceHeaderOf(message.headers);
      if (traceHeader !== undefined) entry.TraceHeader = traceHeader;
      const size = entrySize(entry);
      if (size > MAX_ENTRY_BYTES) {
        throw new MappingError(
          `EventBridge entry is ${size} bytes, over the ${MAX_ENTRY_BYTES}-byte PutEvents limit`,
        );
      }
      return {
        service: "eventbridge",
        operation: "PutEvents",
        resource: entry.EventBusName as string,
        input: entry,
      };
    },
  };
}

/** An entry's size as PutEvents counts it toward the per-entry and per-call 256 KB limits. */
export function entrySize(entry: Record<string, unknown>): number {
  let size = entry.Time === undefined ? 0 : TIME_BYTES;
  // Tolerates hand-built entries with missing fields: AWS fails those per entry, the size is still counted.
  const text = (v: unknown) => (typeof v === "string" ? byteLength(v) : 0);
  for (const field of ["Source", "DetailType", "Detail"]) size += text(entry[field]);
  for (const r of (entry.Resources as unknown[] | undefined) ?? []) size += text(r);
  return size;
}
