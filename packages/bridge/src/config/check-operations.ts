import { type CompiledPattern, parsePattern, patternCovers, patternsOverlap } from "@junction/sdk";
import { operationPath } from "./operation-routes.ts";
import type { OperationConfig } from "./operations-schema.ts";
import type { PathSegment, ReportProblem } from "./path.ts";
import type { JunctionConfig } from "./schema.ts";

type At = (...rest: PathSegment[]) => PathSegment[];
interface StreamSubject {
  readonly stream: string;
  readonly pattern: CompiledPattern;
}

/**
 * The meaning of `operations:`: subjects with captures only; a durable operation lands in the stream it
 * names, a query in none (a stream would answer the request with its PubAck); shadow and canary
 * subjects follow the same rules; HTTP routes do not collide with each other or with `gateway.routes`.
 */
export function checkOperations(config: JunctionConfig, report: ReportProblem): void {
  const streams = streamSubjects(config);
  const names = new Map<string, number>();
  const subjects: { index: number; pattern: CompiledPattern }[] = [];
  const routes = new Map<string, string>();
  config.gateway?.routes.forEach((r, i) => {
    routes.set(routeKey(r.method, r.path), `gateway.routes[${i}]`);
  });

  config.operations.forEach((op, i) => {
    const at: At = (...rest) => ["operations", i, ...rest];
    const first = names.get(op.name);
    if (first === undefined) names.set(op.name, i);
    else report(at("name"), `duplicate name "${op.name}" (also operations[${first}])`);

    const pattern = operationPattern(op.subject, at("subject"), report);
    if (pattern !== undefined) {
      checkLanding(op, op.subject, pattern, streams, at, at("subject"), report);
      for (const other of subjects) {
        if (patternsOverlap(other.pattern, pattern)) {
          report(at("subject"), `"${op.subject}" overlaps operations[${other.index}].subject`);
        }
      }
      subjects.push({ index: i, pattern });
    }
    if (op.kind === "durable" && op.stream === undefined) {
      report(at("stream"), "a durable operation needs the stream that stores it");
    }
    if (op.kind === "query" && op.stream !== undefined) {
      report(at("stream"), "a query is not stored: remove `stream`, or make the operation durable");
    }
    if (op.shadow !== undefined && op.canary !== undefined) {
      report(at(), "choose one of `shadow`, `canary`");
    }
    for (const shift of ["shadow", "canary"] as const) {
      const target = op[shift];
      if (target === undefined || pattern === undefined) continue;
      const p = operationPattern(target.subject, at(shift, "subject"), report);
      if (p === undefined) continue;
      if ([...p.captures].sort().join() !== [...pattern.captures].sort().join()) {
        report(
          at(shift, "subject"),
          `needs the captures of the operation's subject: {${pattern.captures.join("}, {")}}`,
        );
      }
      if (patternsOverlap(p, pattern))
        report(at(shift, "subject"), "must differ from the operation's subject");
      checkLanding(op, target.subject, p, streams, at, at(shift, "subject"), report, true);
    }

    if (op.http === false) return;
    const path = operationPath(op);
    if (op.http?.path !== undefined && pattern !== undefined) {
      const params = [...path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
      const missing = pattern.captures.filter((c) => !params.includes(c));
      if (missing.length > 0)
        report(at("http", "path"), `needs :${missing.join(", :")} for the subject's captures`);
    }
    const key = routeKey(op.http?.method ?? "POST", path);
    const taken = routes.get(key);
    if (taken !== undefined) report(at(), `its route ${key.replace(/:(?=\/|$)/g, ":…")} is also ${taken}`);
    else routes.set(key, `operations[${i}] (${op.name})`);
  });
}

/** A subject of captures and literals: no wildcards, no `{rest>}` (a path parameter fills one token). */
function operationPattern(
  subject: string,
  at: PathSegment[],
  report: ReportProblem,
): CompiledPattern | undefined {
  try {
    const pattern = parsePattern(subject);
    for (const token of pattern.tokens) {
      if (token.kind === "rest") {
        report(at, `"${subject}": {name>} and > are not allowed; each capture is one token`);
        return undefined;
      }
      if (token.kind === "one" && token.capture === undefined) {
        report(at, `"${subject}": use {name} captures, not *`);
        return undefined;
      }
    }
    return pattern;
  } catch (err) {
    report(at, (err as Error).message);
    return undefined;
  }
}

/** Durable: inside the named stream (or, for a new handler, in some stream); query: in none. */
function checkLanding(
  op: OperationConfig,
  subject: string,
  pattern: CompiledPattern,
  streams: readonly StreamSubject[],
  at: At,
  where: PathSegment[],
  report: ReportProblem,
  anyStream = false,
): void {
  if (op.kind === "query") {
    const hit = streams.find((s) => patternsOverlap(s.pattern, pattern));
    if (hit !== undefined) {
      report(
        where,
        `stream ${hit.stream} captures "${subject}" ("${hit.pattern.source}"): its PubAck would answer the query; narrow the stream's subjects or make the operation durable`,
      );
    }
    return;
  }
  if (op.stream === undefined) return;
  const own = streams.filter((s) => s.stream === op.stream);
  if (own.length === 0 && !anyStream) {
    const known = [...new Set(streams.map((s) => s.stream))].join(", ") || "none";
    report(at("stream"), `no stream "${op.stream}" under streams: (defined: ${known})`);
    return;
  }
  const candidates = anyStream ? streams : own;
  if (!candidates.some((s) => patternCovers(s.pattern, pattern))) {
    const into = anyStream ? "no stream" : `stream ${op.stream}`;
    report(where, `${into} captures "${subject}": add "${pattern.natsSubject}" to its subjects`);
  }
}

function streamSubjects(config: JunctionConfig): StreamSubject[] {
  const out: StreamSubject[] = [];
  for (const stream of config.streams) {
    for (const subject of stream.subjects) {
      try {
        out.push({ stream: stream.name, pattern: parsePattern(subject) });
      } catch {
        // reported by the stream checks
      }
    }
  }
  return out;
}

function routeKey(method: string, path: string): string {
  return `${method} ${path.replace(/:[^/]*/g, ":")}`;
}
