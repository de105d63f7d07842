import type { ReportProblem } from "../path.ts";
import { compileRoute, streamsByName } from "../routes/compile.ts";
import { RouteSchema } from "../routes/schema.ts";
import { ConfigSchema } from "./schema.ts";

/**
 * When the schema rejects part of a config, the routes that are valid on their own still get their
 * meaning checked (patterns, templates, target rules), so one run lists every problem a route has.
 * Checks across routes (duplicates, overlaps) need the whole config and wait for the next run.
 */
export function checkValidRoutes(raw: unknown, report: ReportProblem): void {
  if (raw === null || typeof raw !== "object") return;
  const { routes, streams } = raw as { routes?: unknown; streams?: unknown };
  if (!Array.isArray(routes)) return;
  const parsedStreams = ConfigSchema.shape.streams.safeParse(streams);
  const byName = parsedStreams.success ? streamsByName(parsedStreams.data) : undefined;
  routes.forEach((candidate, index) => {
    const route = RouteSchema.safeParse(candidate);
    if (route.success) compileRoute(route.data, index, byName, report);
  });
}
