import type { PathSegment, ReportProblem } from "../path.ts";
import {
  compileTemplate,
  type TemplateScope,
  type TemplateValue,
  type TemplateVocabulary,
} from "./compile.ts";

/** A JSON-shaped config value whose strings are templates (`detail`, `item`, `payload` …). */
export interface ValueTemplate {
  readonly constant: boolean;
  render(scope: TemplateScope): TemplateValue;
}

/**
 * Compiles every string inside `value` as a template. Problems are reported with their exact path and
 * compilation carries on, so one run lists every bad template. Object keys are literal.
 */
export function compileValue(
  value: unknown,
  vocabulary: TemplateVocabulary,
  path: readonly PathSegment[],
  report: ReportProblem,
): ValueTemplate {
  if (typeof value === "string") {
    try {
      const template = compileTemplate(value, vocabulary);
      return settle((scope) => template.render(scope), template.constant);
    } catch (err) {
      report(path, (err as Error).message);
      return constantValue(value);
    }
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileValue(item, vocabulary, [...path, i], report));
    return settle(
      (scope) => items.map((t) => t.render(scope)),
      items.every((t) => t.constant),
    );
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(
      ([k, v]) => [k, compileValue(v, vocabulary, [...path, k], report)] as const,
    );
    const render = (scope: TemplateScope) => {
      const out: Record<string, TemplateValue> = {};
      for (const [k, t] of entries) out[k] = t.render(scope);
      return out;
    };
    return settle(
      render,
      entries.every(([, t]) => t.constant),
    );
  }
  return constantValue((value ?? null) as TemplateValue);
}

function constantValue(value: TemplateValue): ValueTemplate {
  return { constant: true, render: () => value };
}

/** A value without expressions is rendered once, at load time (which also unescapes `{{`). */
function settle(render: (scope: TemplateScope) => TemplateValue, constant: boolean): ValueTemplate {
  return constant ? constantValue(render(NO_SCOPE)) : { constant: false, render };
}

const NO_SCOPE: TemplateScope = {
  capture: () => undefined,
  builtin: () => null,
};
