import type { TemplateValue } from "../../templates/index.ts";

/** An update built from `set` / `add` / `remove` with generated placeholders (`#jn0`, `:jv0`). */
export interface UpdateExpression {
  readonly expression: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, TemplateValue>;
}

/** Generated placeholders use these prefixes; user condition placeholders may not. */
export const GENERATED_NAME = /^#jn\d+$/;
export const GENERATED_VALUE = /^:jv\d+$/;

export function buildUpdateExpression(
  set: Readonly<Record<string, TemplateValue>>,
  add: Readonly<Record<string, TemplateValue>>,
  remove: readonly string[],
): UpdateExpression {
  const names: Record<string, string> = {};
  const values: Record<string, TemplateValue> = {};
  let n = 0;
  let v = 0;
  const name = (attr: string) => {
    const key = `#jn${n++}`;
    names[key] = attr;
    return key;
  };
  const value = (val: TemplateValue) => {
    const key = `:jv${v++}`;
    values[key] = val;
    return key;
  };
  const clauses: string[] = [];
  const sets = Object.entries(set).map(([attr, val]) => `${name(attr)} = ${value(val)}`);
  if (sets.length > 0) clauses.push(`SET ${sets.join(", ")}`);
  const adds = Object.entries(add).map(([attr, val]) => `${name(attr)} ${value(val)}`);
  if (adds.length > 0) clauses.push(`ADD ${adds.join(", ")}`);
  if (remove.length > 0) clauses.push(`REMOVE ${remove.map(name).join(", ")}`);
  return { expression: clauses.join(" "), names, values };
}
