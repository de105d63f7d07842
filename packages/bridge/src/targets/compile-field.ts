import { compileTemplate, type Template } from "../templates/index.ts";
import type { TargetCompileContext } from "./types.ts";

/**
 * Compiles one string field of a target, reporting a bad template at `path.field` and returning a
 * template that renders the raw text, so compilation goes on and every problem gets listed.
 */
export function compileField(ctx: TargetCompileContext, field: string, source: string): Template {
  try {
    return compileTemplate(source, ctx.vocabulary);
  } catch (err) {
    ctx.report([...ctx.path, field], (err as Error).message);
    return { source, constant: true, render: () => source, renderText: () => source };
  }
}

/** UTF-8 byte length, as AWS counts sizes. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
