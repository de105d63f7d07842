import type { PathSegment, ReportProblem } from "../path.ts";

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed config; `$${` stays a literal `${`.
 * `value` is a finite tree of bounded depth (checkDocument sees to that), so recursion is safe.
 * Runs on values, not on the YAML text, so quoting and line numbers are unaffected. Template
 * expressions (`{$id}`) never start with `$`, so the two syntaxes cannot be confused.
 */
export function substituteEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  report: ReportProblem,
  path: readonly PathSegment[] = [],
): unknown {
  if (typeof value === "string") {
    return value.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
      if (match === "$${") return "${";
      const resolved = env[name as string] ?? fallback;
      if (resolved === undefined)
        report(path, `environment variable ${name} is not set (write \${${name}:-default})`);
      return resolved ?? "";
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, report, [...path, i]));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, report, [...path, k])]),
    );
  }
  return value;
}
