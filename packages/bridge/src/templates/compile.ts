import { MappingError } from "../errors.ts";
import {
  type FilterName,
  parseTemplate,
  TemplateError,
  type TemplatePart,
  type TemplateRef,
} from "./parse.ts";

/** What a template's expression evaluates to: text, or a JSON value for whole-value insertion. */
export type TemplateValue =
  | string
  | number
  | boolean
  | null
  | readonly TemplateValue[]
  | { readonly [k: string]: TemplateValue };

/** Resolves names at render time; a message context implements it. */
export interface TemplateScope {
  capture(name: string): string | undefined;
  builtin(name: string, arg: string | undefined): TemplateValue;
}

/** How a built-in may be written: `{$id}` (plain), `{$header.X}` (arg), `{$json}` or `{$json.a}` (optional). */
export type BuiltinArity = "plain" | "arg" | "optional";

/** The names a template may use in one place of the config. Checked at load time, never at message time. */
export interface TemplateVocabulary {
  readonly captures: readonly string[];
  readonly builtins: Readonly<Record<string, BuiltinArity>>;
}

export interface Template {
  readonly source: string;
  /** True when the template has no expression, so it renders the same for every message. */
  readonly constant: boolean;
  /** A whole-value template (`"{$json}"`, `"{n|number}"`) keeps the value's type; otherwise text. */
  render(scope: TemplateScope): TemplateValue;
  renderText(scope: TemplateScope): string;
}

export function compileTemplate(source: string, vocabulary: TemplateVocabulary): Template {
  const parts = parseTemplate(source);
  for (const part of parts) if (part.kind === "expr") checkRef(part.ref, vocabulary);
  const constant = parts.every((p) => p.kind === "text");
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.kind === "expr") {
    const render = (scope: TemplateScope) => evaluate(only, scope);
    return { source, constant, render, renderText: (scope) => toText(render(scope)) };
  }
  const renderText = (scope: TemplateScope) => {
    let out = "";
    for (const part of parts) out += part.kind === "text" ? part.text : toText(evaluate(part, scope));
    return out;
  };
  return { source, constant, render: renderText, renderText };
}

function checkRef(ref: TemplateRef, vocabulary: TemplateVocabulary): void {
  if (ref.kind === "capture") {
    if (vocabulary.captures.includes(ref.name)) return;
    const known = vocabulary.captures.length === 0 ? "none" : vocabulary.captures.join(", ");
    throw new TemplateError(`unknown capture "{${ref.name}}" (captures here: ${known})`);
  }
  const arity = vocabulary.builtins[ref.name];
  const known = Object.keys(vocabulary.builtins)
    .map((n) => `$${n}`)
    .join(", ");
  if (arity === undefined)
    throw new TemplateError(`unknown built-in "$${ref.name}" (built-ins here: ${known})`);
  if (arity === "plain" && ref.arg !== undefined) {
    throw new TemplateError(`built-in "$${ref.name}" takes no argument, got "$${ref.name}.${ref.arg}"`);
  }
  if (arity === "arg" && ref.arg === undefined) {
    throw new TemplateError(`built-in "$${ref.name}" needs an argument, e.g. "{$${ref.name}.Name}"`);
  }
}

function evaluate(part: Extract<TemplatePart, { kind: "expr" }>, scope: TemplateScope): TemplateValue {
  const { ref } = part;
  let value: TemplateValue;
  if (ref.kind === "capture") {
    const captured = scope.capture(ref.name);
    if (captured === undefined) throw new MappingError(`capture "${ref.name}" has no value`);
    value = captured;
  } else {
    value = scope.builtin(ref.name, ref.arg);
  }
  for (const filter of part.filters) value = applyFilter(filter, value);
  return value;
}

const NUMERIC = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

function applyFilter(filter: FilterName, value: TemplateValue): TemplateValue {
  switch (filter) {
    case "number": {
      if (typeof value === "number") return value;
      const text = toText(value).trim();
      if (!NUMERIC.test(text)) throw new MappingError(`cannot convert ${JSON.stringify(text)} to a number`);
      return Number(text);
    }
    case "upper":
      return toText(value).toUpperCase();
    case "lower":
      return toText(value).toLowerCase();
    case "title":
      return toText(value).replace(
        /(^|[^\p{L}\p{N}])(\p{Ll})/gu,
        (_m, sep: string, ch: string) => sep + ch.toUpperCase(),
      );
  }
}

/** Text form of a value: strings as they are, everything else as JSON. */
export function toText(value: TemplateValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
