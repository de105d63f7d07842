import { JunctionError } from "@junction/sdk";

/** A template that cannot be compiled: bad syntax, unknown capture, built-in or filter. */
export class TemplateError extends JunctionError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_TEMPLATE", message, options);
  }
}

export const FILTERS = ["title", "upper", "lower", "number"] as const;
export type FilterName = (typeof FILTERS)[number];

/** `{name}` is a capture; `{$name}` or `{$name.arg}` a built-in (`{$json.a.b}`, `{$header.X}`). */
export type TemplateRef =
  | { readonly kind: "capture"; readonly name: string }
  | { readonly kind: "builtin"; readonly name: string; readonly arg?: string };

export type TemplatePart =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "expr"; readonly ref: TemplateRef; readonly filters: readonly FilterName[] };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Splits a template string into text and `{…}` expressions. `{{` and `}}` stand for literal braces.
 * Only syntax is checked here; which names exist is the vocabulary's business (compile.ts).
 */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "{" && text[i + 1] === "{") {
      literal += "{";
      i += 2;
    } else if (ch === "}" && text[i + 1] === "}") {
      literal += "}";
      i += 2;
    } else if (ch === "}") {
      throw new TemplateError(`unmatched "}" at position ${i + 1} (write "}}" for a literal brace)`);
    } else if (ch === "{") {
      const end = text.indexOf("}", i + 1);
      if (end < 0)
        throw new TemplateError(`unclosed "{" at position ${i + 1} (write "{{" for a literal brace)`);
      if (literal !== "") parts.push({ kind: "text", text: literal });
      literal = "";
      parts.push(parseExpression(text.slice(i + 1, end)));
      i = end + 1;
    } else {
      literal += ch;
      i += 1;
    }
  }
  if (literal !== "") parts.push({ kind: "text", text: literal });
  return parts;
}

function parseExpression(body: string): TemplatePart {
  const [head = "", ...filterNames] = body.split("|").map((s) => s.trim());
  if (head === "") throw new TemplateError(`empty expression "{${body}}"`);
  const filters = filterNames.map((f) => {
    if (!(FILTERS as readonly string[]).includes(f)) {
      throw new TemplateError(`unknown filter "${f}" in "{${body}}" (filters: ${FILTERS.join(", ")})`);
    }
    return f as FilterName;
  });
  if (!head.startsWith("$")) {
    if (!NAME.test(head)) throw new TemplateError(`invalid capture name "${head}" in "{${body}}"`);
    return { kind: "expr", ref: { kind: "capture", name: head }, filters };
  }
  const dot = head.indexOf(".");
  const name = dot < 0 ? head.slice(1) : head.slice(1, dot);
  if (!NAME.test(name)) throw new TemplateError(`invalid built-in "${head}" in "{${body}}"`);
  if (dot < 0) return { kind: "expr", ref: { kind: "builtin", name }, filters };
  const arg = head.slice(dot + 1);
  if (arg === "" || arg.split(".").some((s) => s === "")) {
    throw new TemplateError(`invalid argument "${arg}" for $${name} in "{${body}}"`);
  }
  return { kind: "expr", ref: { kind: "builtin", name, arg }, filters };
}
