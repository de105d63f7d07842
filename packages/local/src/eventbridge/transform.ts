// What a target receives: the event, a constant (`Input`), a part of the event (`InputPath`) or a
// filled-in template (`InputTransformer`). The template rules follow the AWS user guide page
// "Transforming Amazon EventBridge target input" (eb-transform-target-input): a placeholder in value
// position gets the JSON value (strings are quoted for you); inside a JSON string its text goes in
// unescaped, and an object or array loses its internal quotes "to ensure a valid string"; a path that
// selects nothing creates no variable, so nothing appears in its place.

import { type Constraints, type JsonObject, optObject, optString } from "./constraints.ts";
import { validationError } from "./errors.ts";
import { type JsonPath, parseJsonPath, selectJsonPath } from "./jsonpath.ts";
import type { EventEnvelope } from "./model.ts";

export type TargetInput =
  | { readonly mode: "event" }
  | { readonly mode: "constant"; readonly text: string }
  | { readonly mode: "path"; readonly path: JsonPath }
  | {
      readonly mode: "transform";
      readonly paths: ReadonlyMap<string, JsonPath>;
      readonly template: string;
    };

export const RESERVED_VARIABLES = [
  "aws.events.rule-arn",
  "aws.events.rule-name",
  "aws.events.event",
  "aws.events.event.json",
  "aws.events.event.ingestion-time",
] as const;

const PLACEHOLDER = /<([A-Za-z0-9_\-.]+)>/g;

/** Validates a target's input members at PutTargets time (`at` is `targets.N.member`). */
export function compileTargetInput(target: JsonObject, id: string, at: string, c: Constraints): TargetInput {
  const input = optString(target, "Input");
  const inputPath = optString(target, "InputPath");
  const transformer = optObject(target, "InputTransformer");
  c.string(input, `${at}.input`, { max: 8192 });
  c.string(inputPath, `${at}.inputPath`, { max: 256 });
  const template = transformer === undefined ? undefined : optString(transformer, "InputTemplate");
  if (transformer !== undefined && c.required(template, `${at}.inputTransformer.inputTemplate`))
    c.string(template, `${at}.inputTransformer.inputTemplate`, { min: 1, max: 8192 });
  c.check();
  const given = [input, inputPath, transformer].filter((v) => v !== undefined).length;
  if (given > 1)
    throw validationError(
      `Only one of Input, InputPath, or InputTransformer must be provided for target ${id}.`,
    );
  if (input !== undefined) {
    if (!isJson(input)) throw validationError(`Parameter Input is not valid JSON for target ${id}.`);
    return { mode: "constant", text: input };
  }
  if (inputPath !== undefined) return { mode: "path", path: pathOrThrow(inputPath, "InputPath", id) };
  if (transformer === undefined || template === undefined) return { mode: "event" };
  const map = optObject(transformer, "InputPathsMap") ?? {};
  const entries = Object.entries(map);
  if (entries.length > 100)
    throw validationError(
      `InputPathsMap for target ${id} has ${entries.length} entries; at most 100 are allowed.`,
    );
  const paths = new Map<string, JsonPath>();
  for (const [key, value] of entries) {
    if (!/^[A-Za-z0-9_-]+$/.test(key) || key.length > 256)
      throw validationError(
        `InputPathsMap key ${key} for target ${id} must match [A-Za-z0-9\\_\\-]+ (at most 256 characters).`,
      );
    if (typeof value !== "string" || value.length > 256)
      throw validationError(`InputPathsMap value of ${key} for target ${id} must be a JSON path string.`);
    paths.set(key, pathOrThrow(value, `InputPathsMap value of ${key}`, id));
  }
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (name === undefined || paths.has(name) || (RESERVED_VARIABLES as readonly string[]).includes(name))
      continue;
    throw validationError(`InputTemplate for target ${id} contains invalid placeholder ${name}.`);
  }
  return { mode: "transform", paths, template };
}

export interface RenderContext {
  readonly event: EventEnvelope;
  readonly ruleArn: string;
  readonly ruleName: string;
  /** When the event reached EventBridge (ISO 8601). */
  readonly ingestionTime: string;
}

/** The body a target is sent, or why there is none. */
export function renderTargetInput(
  input: TargetInput,
  ctx: RenderContext,
): { body: string } | { error: string } {
  switch (input.mode) {
    case "event":
      return { body: JSON.stringify(ctx.event) };
    case "constant":
      return { body: input.text };
    case "path": {
      const selected = selectJsonPath(input.path, ctx.event);
      if (!selected.found)
        return { error: `InputPath ${input.path.text} selects nothing in event ${ctx.event.id}` };
      return { body: JSON.stringify(selected.value) };
    }
    case "transform":
      return { body: fillTemplate(input.template, variables(input.paths, ctx)) };
  }
}

export type Variable = { found: false } | { found: true; value: unknown };

function variables(paths: ReadonlyMap<string, JsonPath>, ctx: RenderContext): Map<string, Variable> {
  const vars = new Map<string, Variable>();
  for (const [name, path] of paths) vars.set(name, selectJsonPath(path, ctx.event) as Variable);
  const { detail: _detail, "detail-type": detailType, ...rest } = ctx.event;
  const reserved: Record<(typeof RESERVED_VARIABLES)[number], unknown> = {
    "aws.events.rule-arn": ctx.ruleArn,
    "aws.events.rule-name": ctx.ruleName,
    // The event without `detail`, its detail-type spelled `detailType`, in the order AWS sends it
    // (LocalStack's AWS-recorded snapshot test_input_transformer_predefined_variables).
    "aws.events.event": {
      id: rest.id,
      account: rest.account,
      detailType,
      time: rest.time,
      source: rest.source,
      region: rest.region,
      resources: rest.resources,
      version: rest.version,
    },
    "aws.events.event.json": ctx.event,
    "aws.events.event.ingestion-time": ctx.ingestionTime,
  };
  for (const [name, value] of Object.entries(reserved)) vars.set(name, { found: true, value });
  return vars;
}

/**
 * A template that is JSON once its placeholders are filled (a JSON string or object) is filled
 * JSON-aware; any other text (which AWS's API reference does not promise to accept) gets each
 * value's plain text.
 */
export function fillTemplate(template: string, vars: ReadonlyMap<string, Variable>): string {
  const jsonAware = isJson(template.replace(PLACEHOLDER, "null"));
  let out = "";
  let inString = false;
  let i = 0;
  while (i < template.length) {
    const c = template[i] as string;
    if (c === "<") {
      const m = /^<([A-Za-z0-9_\-.]+)>/.exec(template.slice(i));
      const variable = m === null ? undefined : vars.get(m[1] as string);
      if (m !== null && variable !== undefined) {
        out += jsonAware ? jsonText(variable, inString) : plainText(variable);
        i += m[0].length;
        continue;
      }
    }
    if (jsonAware && inString && c === "\\") {
      out += template.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '"') inString = !inString;
    out += c;
    i += 1;
  }
  // "The JSON that is passed to the target is minified" (Common issues with transforming input).
  return jsonAware && isJson(out) ? minify(out) : out;
}

/** Drops the whitespace outside strings (keeps key order and number spelling, unlike a re-stringify). */
function minify(json: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i] as string;
    if (inString && c === "\\") {
      out += json.slice(i, i + 2);
      i += 1;
      continue;
    }
    if (c === '"') inString = !inString;
    if (inString || !/\s/.test(c)) out += c;
  }
  return out;
}

function jsonText(variable: Variable, inString: boolean): string {
  if (!variable.found) return inString ? "" : '""';
  const { value } = variable;
  if (!inString) return JSON.stringify(value);
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null) return JSON.stringify(value).replaceAll('"', "");
  return String(value);
}

function plainText(variable: Variable): string {
  if (!variable.found) return "";
  return typeof variable.value === "string" ? variable.value : JSON.stringify(variable.value);
}

function pathOrThrow(text: string, what: string, id: string): JsonPath {
  const path = parseJsonPath(text);
  if (typeof path === "string")
    throw validationError(`${what} ${text} for target ${id} is not valid: ${path}.`);
  return path;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
