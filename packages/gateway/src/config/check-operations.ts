import { type CompiledPattern, parsePattern, patternCovers, patternsOverlap } from "@junction/sdk";
import type { CheckedSections, ReportAt } from "./check-served.ts";
import type { OperationConfig } from "./operations-schema.ts";

type PathSegment = string | number;
type At = (...rest: PathSegment[]) => PathSegment[];
interface StreamSubject {
  readonly stream: string;
  readonly pattern: CompiledPattern;
}

/**
 * The meaning of `operations:`: subjects with captures only; a durable operation lands in the stream it
 * names, a query in none (a stream would answer the request with its PubAck); shadow and canary
 * subjects follow the same rules. Their HTTP routes are gateway routes, checked with the others
 * (check-served.ts): paths, collisions, auth, tenant binding.
 */
export function checkOperations(config: CheckedSections, report: ReportAt): void {
  const streams = streamSubjects(config);
  const names = new Map<string, number>();
  const subjects: { index: number; pattern: CompiledPattern }[] = [];

  config.operations.forEach((op, i) => {
    const at: At = (...rest) => ["operations", i, ...rest];
    const first = names.get(op.name);
    if (first === undefined) names.set(op.name, i);
    else report(at("name"), `duplicate name "${op.name}" (also operations[${first}])`);

    // A served operation's subject is its route's: the gateway checks report what is wrong with it.
    const served = config.gateway !== undefined && op.http !== false;
    const pattern = operationPattern(op.subject, at("subject"), served ? () => {} : report);
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
  });
}

/** A subject of captures and literals: no wildcards, no `{rest>}` (a path parameter fills one token). */
function operationPattern(subject: string, at: PathSegment[], report: ReportAt): CompiledPattern | undefined {
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
  report: ReportAt,
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

function streamSubjects(config: Pick<CheckedSections, "streams">): StreamSubject[] {
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
