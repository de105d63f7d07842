import { MappingError } from "../../errors.ts";
import { compileValue } from "../../templates/index.ts";
import { byteLength, compileField } from "../compile-field.ts";
import type { CompiledTarget, TargetCompileContext } from "../types.ts";
import type { EventBridgeTargetConfig } from "./config.ts";

/** PutEvents rejects an entry over 256 KB, counted as AWS documents it (time, source, detail-type, detail, resources). */
export const MAX_ENTRY_BYTES = 256 * 1024;
const TIME_BYTES = 14;

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
      const entry: Record<string, unknown> = {
        EventBusName: bus.renderText(scope),
        Source: source.renderText(scope),
        DetailType: detailType.renderText(scope),
        Detail: JSON.stringify(detailValue),
        Time: message.time,
      };
      if (resources.length > 0) entry.Resources = resources.map((r) => r.renderText(scope));
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

function entrySize(entry: Record<string, unknown>): number {
  let size = entry.Time === undefined ? 0 : TIME_BYTES;
  for (const field of ["Source", "DetailType", "Detail"]) size += byteLength(entry[field] as string);
  for (const r of (entry.Resources as string[] | undefined) ?? []) size += byteLength(r);
  return size;
}
