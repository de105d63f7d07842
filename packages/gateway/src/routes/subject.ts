import { InvalidSubjectError, outsideToken, parsePattern } from "@junction/sdk";
import { BadRequestError } from "../errors.ts";

/** A route's subject with `{name}` tokens filled from path parameters. */
export type SubjectTemplate = (params: Readonly<Record<string, string | undefined>>) => string;

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
      subject += paramToken(part.param, values[part.param] ?? "");
    }
    return subject;
  };
}

/** A path parameter as one subject token (the SDK's safe set), or a 400 saying why not. */
function paramToken(name: string, value: string): string {
  try {
    return outsideToken(value);
  } catch (err) {
    if (!(err instanceof InvalidSubjectError)) throw err;
    throw new BadRequestError(
      `path parameter ${name} cannot be used as a subject token`,
      [{ in: "path", name, reason: err.reason }],
      { cause: err },
    );
  }
}
