// The workload of `junction bench routes`: realistic route sets, subjects to look up, and the naive
// baseline router (one RegExp per route, scanned in full).
import { type CompiledPattern, compareSpecificity, JunctionError, parsePattern } from "@junction/sdk";
import { seededRandom } from "./measure.ts";

const TENANTS = ["eu", "us", "ap", "acme", "globex"];
const ENTITIES = ["orders", "users", "payments", "invoices", "shipments", "carts", "agents", "tasks"];
const EVENTS = ["created", "updated", "deleted", "shipped", "failed", "retried"];
const VERSIONS = ["v1", "v2", "v3"];
/** Routes per service prefix. Real configs grow by adding services, not by piling routes on one prefix. */
const ROUTES_PER_SERVICE = 8;

export interface RouteSpec {
  readonly name: string;
  readonly pattern: CompiledPattern;
}

export interface RoutesWorkload {
  readonly routes: readonly RouteSpec[];
  /** Power-of-two length, so benchmarks can index with a mask. */
  readonly subjects: readonly string[];
}

/**
 * `count` distinct-shape routes of 3–5 tokens like `svc12.{tenant}.orders.{event}` or `svc3.eu.>`, and
 * `subjectCount` subjects: ~90% built from a random route (so they match it or something more specific),
 * ~10% matching nothing. Subject shapes follow the same distribution at every size.
 */
export function routesWorkload(count: number, subjectCount = 2048, seed = 0x5eed): RoutesWorkload {
  const random = seededRandom(seed ^ count);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const services = Math.max(1, Math.ceil(count / ROUTES_PER_SERVICE));

  const routes: RouteSpec[] = [];
  const shapes = new Set<string>();
  for (let attempt = 0; routes.length < count; attempt++) {
    if (attempt > count * 100)
      throw new JunctionError("ERR_BENCH_WORKLOAD", `could not generate ${count} distinct routes`);
    const tokens = [`svc${routes.length % services}`];
    const length = 3 + Math.floor(random() * 3);
    const r1 = random();
    tokens.push(r1 < 0.5 ? "{tenant}" : r1 < 0.75 ? pick(TENANTS) : "*");
    tokens.push(pick(ENTITIES));
    if (length >= 4) {
      const r3 = random();
      tokens.push(r3 < 0.4 ? "{event}" : r3 < 0.8 ? pick(EVENTS) : "*");
    }
    if (length >= 5) tokens.push(random() < 0.5 ? "{version}" : pick(VERSIONS));
    if (random() < 0.2) tokens[tokens.length - 1] = random() < 0.5 ? "{rest>}" : ">";
    const pattern = parsePattern(tokens.join("."));
    if (shapes.has(pattern.natsSubject)) continue;
    shapes.add(pattern.natsSubject);
    routes.push({ name: `route${routes.length}`, pattern });
  }

  const subjects: string[] = [];
  while (subjects.length < subjectCount) {
    const route = pick(routes);
    const tokens: string[] = [];
    for (const token of route.pattern.tokens) {
      if (token.kind === "literal") tokens.push(token.value);
      else if (token.kind === "one")
        tokens.push(random() < 0.5 ? pick(TENANTS) : `id${Math.floor(random() * 1000)}`);
      else tokens.push(...(random() < 0.5 ? [pick(EVENTS)] : [pick(EVENTS), pick(VERSIONS)]));
    }
    // Misses: an unknown service, or an unknown entity under a known one.
    if (random() < 0.1) {
      if (random() < 0.5) tokens[0] = `svc${services + Math.floor(random() * 1000)}`;
      else tokens[2] = "widgets";
    }
    subjects.push(tokens.join("."));
  }
  return { routes, subjects };
}

export interface BaselineMatch {
  readonly name: string;
  readonly captures: Record<string, string>;
}

/**
 * The naive router: one RegExp per route with named groups, every one tested on every lookup, keeping
 * the most specific match. Captures come from a second `exec` of the winner only.
 */
export function regexBaseline(routes: readonly RouteSpec[]): (subject: string) => BaselineMatch | undefined {
  const compiled = routes.map((route) => ({ route, regex: toRegExp(route.pattern) }));
  return (subject) => {
    let best: (typeof compiled)[number] | undefined;
    for (const entry of compiled) {
      if (!entry.regex.test(subject)) continue;
      if (best === undefined || compareSpecificity(entry.route.pattern, best.route.pattern) > 0) best = entry;
    }
    if (best === undefined) return undefined;
    const groups = best.regex.exec(subject)?.groups;
    return { name: best.route.name, captures: { ...groups } };
  };
}

function toRegExp(pattern: CompiledPattern): RegExp {
  const parts = pattern.tokens.map((token) => {
    if (token.kind === "literal") return token.value.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
    const body = token.kind === "one" ? "[^.]+" : "[^.]+(?:\\.[^.]+)*";
    return token.capture === undefined ? `(?:${body})` : `(?<${token.capture}>${body})`;
  });
  return new RegExp(`^${parts.join("\\.")}$`);
}
