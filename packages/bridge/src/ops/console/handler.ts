import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { isLoopbackListen } from "@junction/gateway/config";
import type { JunctionClient } from "@junction/sdk";
import type { Registry } from "prom-client";
import type { LoadedConfig } from "../../config/load.ts";
import { getDeadLetter, listDeadLetters, redriveDeadLetters } from "../../runtime/dlq/store.ts";
import type { TargetSender } from "../../targets/delivery.ts";
import type { AwsService } from "../../targets/index.ts";
import { CONSOLE_PAGE } from "./page.ts";

export interface ConsoleDeps {
  /** The config in force now (it changes on a reload): a redrive maps each letter with it. */
  readonly loaded: () => LoadedConfig;
  readonly client: JunctionClient;
  readonly registry: Registry;
  /** What `junction status` shows (the ops endpoint's `/status`). */
  readonly status: () => Promise<unknown>;
  readonly senderFor: (service: AwsService) => TargetSender;
  /** The ops listener's `host:port`: only on loopback, or with `authenticated`, may the console change anything. */
  readonly listen: string;
  /** Every console request has passed the ops listener's auth (`ops.auth`). */
  readonly authenticated?: boolean;
}

/** Answers a request when it is the console's (`/`, `/console/…`); false leaves it to the ops server. */
export type ConsoleHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Dead letters listed, newest last; the rest stay for `junction dlq list`. */
const LETTERS_SHOWN = 50;

/**
 * The live console on the ops listener: the page, uPlot (from this package's dependencies, so no
 * internet is needed), `/console/data` (the status, gateway routes by status code, dead letters) and
 * `POST /console/redrive?seq=N`. A redrive changes state, so it is refused unless the listener is on
 * loopback or every request to it is authenticated (`ops.auth`), and it needs an
 * `x-junction-action: redrive` header, which a cross-site form cannot send.
 */
export function createConsole(deps: ConsoleDeps): ConsoleHandler {
  const mayChange = isLoopbackListen(deps.listen) || deps.authenticated === true;
  const require = createRequire(import.meta.url);
  const assets: Record<string, { type: string; file: string }> = {
    "/console/uplot.js": { type: "text/javascript", file: require.resolve("uplot/dist/uPlot.iife.min.js") },
    "/console/uplot.css": { type: "text/css", file: require.resolve("uplot/dist/uPlot.min.css") },
  };
  const json = (res: ServerResponse, status: number, body: unknown) =>
    res
      .writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" })
      .end(JSON.stringify(body));

  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const asset = assets[path];
    if (req.method === "GET" && path === "/") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(CONSOLE_PAGE);
    } else if (req.method === "GET" && asset !== undefined) {
      res
        .writeHead(200, { "Content-Type": asset.type, "Cache-Control": "max-age=3600" })
        .end(readFileSync(asset.file));
    } else if (req.method === "GET" && path === "/console/data") {
      consoleData(deps).then(
        (body) => json(res, 200, body),
        (err: unknown) => json(res, 503, { error: err instanceof Error ? err.message : String(err) }),
      );
    } else if (path === "/console/redrive") {
      const seq = Number(new URL(req.url ?? "", "http://ops").searchParams.get("seq"));
      if (req.method !== "POST") json(res, 405, { ok: false, reason: "use POST" });
      else if (!mayChange)
        json(res, 403, {
          ok: false,
          reason: "redrive from the console needs the ops listener on loopback, or ops.auth",
        });
      else if (req.headers["x-junction-action"] !== "redrive")
        json(res, 400, { ok: false, reason: "missing the x-junction-action: redrive header" });
      else if (!Number.isSafeInteger(seq) || seq < 1)
        json(res, 400, { ok: false, reason: "seq: a positive integer" });
      else {
        redrive(deps, seq).then(
          (out) => json(res, out.ok ? 200 : 409, out),
          (err: unknown) =>
            json(res, 503, { ok: false, reason: err instanceof Error ? err.message : String(err) }),
        );
      }
    } else return false;
    return true;
  };
}

async function consoleData(deps: ConsoleDeps) {
  const [status, gateway, letters] = await Promise.all([
    deps.status(),
    gatewayRoutes(deps.registry),
    listDeadLetters(deps.client),
  ]);
  return {
    at: Date.now(),
    status,
    gateway,
    deadLetters: letters.slice(-LETTERS_SHOWN).map((l) => ({
      seq: l.dlqSeq,
      // A worker's letter (no route) shows its worker where the route goes.
      route: "route" in l.origin ? l.origin.route : `worker ${l.origin.worker}`,
      target: "route" in l.origin ? l.origin.target : "",
      reason: l.reason,
      code: l.error.code,
      message: l.error.message,
      subject: l.subject,
      attempts: l.attempts,
      time: l.time.toISOString(),
    })),
  };
}

async function redrive(deps: ConsoleDeps, seq: number): Promise<{ ok: boolean; reason?: string }> {
  const letter = await getDeadLetter(deps.client, seq);
  if (letter === undefined) return { ok: false, reason: `no dead letter #${seq} (already redriven?)` };
  const [result] = await redriveDeadLetters([letter], { ...deps, loaded: deps.loaded() });
  return result?.ok ? { ok: true } : { ok: false, reason: result?.reason ?? "not redriven" };
}

type Labelled = { labels: Record<string, string | number>; value: number; metricName?: string };

/** Per gateway route and method: answers by status code, and the request count and seconds for latency. */
async function gatewayRoutes(registry: Registry) {
  const rows = new Map<
    string,
    { route: string; method: string; statuses: Record<string, number>; count: number; seconds: number }
  >();
  const row = (labels: Labelled["labels"]) => {
    const key = `${labels.method} ${labels.route}`;
    let found = rows.get(key);
    if (found === undefined) {
      found = {
        route: String(labels.route),
        method: String(labels.method),
        statuses: {},
        count: 0,
        seconds: 0,
      };
      rows.set(key, found);
    }
    return found;
  };
  const requests = registry.getSingleMetric("junction_gateway_requests_total");
  for (const v of ((await requests?.get())?.values ?? []) as Labelled[]) {
    const r = row(v.labels);
    r.statuses[String(v.labels.status)] = (r.statuses[String(v.labels.status)] ?? 0) + v.value;
  }
  const durations = registry.getSingleMetric("junction_gateway_request_duration_seconds");
  for (const v of ((await durations?.get())?.values ?? []) as Labelled[]) {
    if (v.metricName?.endsWith("_sum")) row(v.labels).seconds += v.value;
    else if (v.metricName?.endsWith("_count")) row(v.labels).count += v.value;
  }
  return [...rows.values()];
}
