import { parsePattern } from "@junction/sdk";
import { BadRequestError } from "../errors.ts";
import { hasControl } from "../http/text.ts";

/** A route's subject with `{name}` tokens filled from path parameters. */
export type SubjectTemplate = (params: Readonly<Record<string, string | undefined>>) => string;

// A parameter becomes one subject token: a dot would add tokens (agent.a.b.cmd), a wildcard or
// whitespace would make the subject invalid. Control characters cannot appear in a NATS subject either.
const BAD_TOKEN = /[.*>\s]/;
const MAX_TOKEN = 256;

/**
 * Compiles `agent.{agentId}.cmd.status` against the path's parameters. Returns a sentence instead when
 * the subject cannot work: wildcards, `{rest>}` or names that are not parameters (the config loader
 * reports the same; this covers configs written in code).
 */
export function compileSubject(source: string, params: readonly string[]): SubjectTemplate | string {
  let tokens: ReturnType<typeof parsePattern>["tokens"];
  try {
    tokens = parsePattern(source).tokens;
  } catch (err) {
    return (err as Error).message;
  }
  const parts: { literal: string | undefined; param: string }[] = [];
  for (const t of tokens) {
    if (t.kind === "literal") parts.push({ literal: t.value, param: "" });
    else if (t.kind === "one" && t.capture !== undefined && params.includes(t.capture))
      parts.push({ literal: undefined, param: t.capture });
    else return `"${source}": only literal tokens and {name} tokens naming a path parameter are allowed`;
  }
  if (parts.every((p) => p.literal !== undefined)) return () => source;
  return (values) => {
    let subject = "";
    for (const part of parts) {
      if (subject !== "") subject += ".";
      if (part.literal !== undefined) {
        subject += part.literal;
        continue;
      }
      const value = values[part.param] ?? "";
      if (value === "" || value.length > MAX_TOKEN || BAD_TOKEN.test(value) || hasControl(value)) {
        throw new BadRequestError(`path parameter ${part.param} cannot be used as a subject token`, [
          {
            in: "path",
            name: part.param,
            reason: "must be 1-256 characters without '.', '*', '>', spaces or control characters",
          },
        ]);
      }
      subject += value;
    }
    return subject;
  };
}

/** The `:name` parameters of a fastify path. */
export function pathParams(path: string): string[] {
  return path
    .split("/")
    .filter((s) => s.startsWith(":"))
    .map((s) => s.slice(1));
}
