import {
  type CompiledPattern,
  createSubjectRouter,
  parsePattern,
  patternCovers,
  type SubjectRouter,
} from "@junction/sdk";
import type { PathSegment, ReportProblem } from "../path.ts";
import { type CompiledTarget, compileTarget, routeVocabulary } from "../targets/index.ts";
import { compileTemplate, type Template } from "../templates/index.ts";
import { type RoutePolicy, routePolicy } from "./policy.ts";
import type { RouteConfig } from "./schema.ts";

export interface CompiledRoute {
  readonly name: string;
  readonly pattern: CompiledPattern;
  /** The stream the route consumes durably; absent for a core (at-most-once) subscription. */
  readonly stream?: string;
  readonly targets: readonly CompiledTarget[];
  readonly reply?: CompiledTarget;
  /** Ordering key: the route's `key`, else the first target's (the SQS FIFO group id). */
  readonly orderingKey?: Template;
  /** Batching, retries and concurrency, every default filled in. */
  readonly policy: RoutePolicy;
  /**
   * Partitions of an ordered stream route across processes (`partitions:`, default
   * `DEFAULT_PARTITIONS`); absent for unordered routes and ordered ones on a work-queue stream.
   */
  readonly partitions?: number;
  /** How long a requester is given for the `reply` target's answer. */
  readonly replyTimeoutMs?: number;
}

/** A declared stream, as far as routes care: which subjects it captures, and how it retains them. */
export interface DeclaredStream {
  readonly name: string;
  readonly subjects: readonly string[];
  readonly retention?: "limits" | "workqueue" | "interest";
}

/**
 * Partitions of an ordered stream route that does not say (`partitions:`): enough for up to 4
 * processes, and few enough that reading the route once per partition stays cheap (docs/scaling.md).
 */
export const DEFAULT_PARTITIONS = 8;

export interface CompiledRoutes {
  readonly routes: readonly CompiledRoute[];
  /** Most-specific-wins lookup from a subject to its route and captures. */
  readonly router: SubjectRouter<CompiledRoute>;
}

/** Subjects that belong to NATS itself; routes may not claim them. */
const RESERVED = ["$JS", "$SYS", "$KV", "_INBOX"];

export function compileRoutes(
  config: { readonly routes: readonly RouteConfig[]; readonly streams: readonly DeclaredStream[] },
  report: ReportProblem,
): CompiledRoutes {
  const streams = streamsByName(config.streams);
  const seen = new Map<string, number>();
  const compiled: { route: CompiledRoute; index: number }[] = [];
  config.routes.forEach((route, index) => {
    const first = seen.get(route.name);
    if (first !== undefined) {
      report(["routes", index, "name"], `duplicate route name "${route.name}" (also routes[${first}])`);
    } else seen.set(route.name, index);
    const result = compileRoute(route, index, streams, report);
    if (result !== undefined) compiled.push({ route: result, index });
  });
  return { routes: compiled.map((c) => c.route), router: buildRouter(compiled, report) };
}

/** A duplicate stream name is reported by checkConfig; the first declaration is the one that counts. */
export function streamsByName(streams: readonly DeclaredStream[]): ReadonlyMap<string, DeclaredStream> {
  return new Map([...streams].reverse().map((s) => [s.name, s]));
}

/**
 * Compiles one route on its own: pattern, stream membership, targets and templates. `streams` is
 * undefined when the streams section itself is invalid, and then stream references go unchecked.
 */
export function compileRoute(
  route: RouteConfig,
  index: number,
  streams: ReadonlyMap<string, DeclaredStream> | undefined,
  report: ReportProblem,
): CompiledRoute | undefined {
  const at = (...rest: PathSegment[]) => ["routes", index, ...rest];
  let pattern: CompiledPattern;
  try {
    pattern = parsePattern(route.from.subject);
  } catch (err) {
    report(at("from", "subject"), (err as Error).message);
    return undefined;
  }
  const head = pattern.tokens[0];
  if (head?.kind === "literal" && RESERVED.includes(head.value)) {
    report(at("from", "subject"), `"${head.value}" subjects are reserved for NATS itself`);
  }

  const stream = route.from.stream;
  if (stream !== undefined) {
    const declared = streams?.get(stream);
    if (streams !== undefined && declared === undefined) {
      report(at("from", "stream"), `stream "${stream}" is not declared under streams:`);
    } else if (declared !== undefined && !declared.subjects.some((s) => coversSafely(s, pattern))) {
      report(
        at("from", "subject"),
        `"${route.from.subject}" is not inside stream ${stream}'s subjects (${declared.subjects.join(", ")})`,
      );
    }
    if (route.reply !== undefined) {
      report(
        at("reply"),
        "a reply route answers NATS requests, so it cannot consume from a stream; remove from.stream",
      );
    }
  }
  if (route.to === undefined && route.reply === undefined) report(at(), "needs `to`, `reply`, or both");

  const vocabulary = routeVocabulary(pattern.captures);
  const targets = (route.to ?? []).map((target, i) =>
    compileTarget(target, { vocabulary, path: at("to", i), report, role: "to" }),
  );
  const reply =
    route.reply === undefined
      ? undefined
      : compileTarget(route.reply, { vocabulary, path: at("reply"), report, role: "reply" });
  let key: Template | undefined;
  if (route.key !== undefined) {
    try {
      key = compileTemplate(route.key, vocabulary);
    } catch (err) {
      report(at("key"), (err as Error).message);
    }
  }
  const orderingKey = key ?? targets.find((t) => t.orderingKey !== undefined)?.orderingKey;
  // A work-queue stream takes one consumer per subject, and each partition is a consumer of the route.
  const workQueue = stream !== undefined && streams?.get(stream)?.retention === "workqueue";
  if (workQueue && route.partitions !== undefined) {
    report(
      at("partitions"),
      `stream "${stream}" is a work queue, which allows one consumer per subject; partitions need limits or interest retention`,
    );
  }
  const partitions =
    stream === undefined || orderingKey === undefined || workQueue
      ? undefined
      : (route.partitions ?? DEFAULT_PARTITIONS);
  return {
    name: route.name,
    pattern,
    targets,
    policy: routePolicy(route),
    ...(stream === undefined ? {} : { stream }),
    ...(reply === undefined || route.reply === undefined
      ? {}
      : { reply, replyTimeoutMs: route.reply.timeoutMs }),
    ...(orderingKey === undefined ? {} : { orderingKey }),
    ...(partitions === undefined ? {} : { partitions }),
  };
}

function coversSafely(filter: string, pattern: CompiledPattern): boolean {
  try {
    return patternCovers(parsePattern(filter), pattern);
  } catch {
    return false; // an invalid stream subject is reported where the stream is checked
  }
}

function buildRouter(
  compiled: readonly { route: CompiledRoute; index: number }[],
  report: ReportProblem,
): SubjectRouter<CompiledRoute> {
  // One pass: each route that conflicts with an earlier one is reported and left out.
  const indexes = new Map(compiled.map(({ route, index }) => [route, index]));
  const indexOf = (route: CompiledRoute) => indexes.get(route) as number;
  return createSubjectRouter(
    compiled.map(({ route }) => ({ name: route.name, pattern: route.pattern, value: route })),
    {
      onConflict: ({ error, existing, added }) =>
        report(
          ["routes", indexOf(added), "from", "subject"],
          `${error.message} (routes[${indexOf(existing)}])`,
        ),
    },
  );
}
