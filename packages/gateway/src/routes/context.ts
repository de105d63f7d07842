import type { JunctionClient, MessageIdentity } from "@junction/sdk";
import type { FastifyRequest } from "fastify";
import type { RouteAuth } from "../auth/authenticate.ts";
import type { GatewayRoute } from "../config/schema.ts";
import type { ResolvedSettings } from "../config/settings.ts";
import type { Bodies } from "../http/body.ts";
import type { HttpTracing } from "../http/trace.ts";
import type { GatewayMetrics } from "../ops/metrics.ts";
import type { Limiter } from "./limiter.ts";
import type { SubjectTemplate } from "./subject.ts";

/** One configured route, compiled. */
export interface RouteRuntime {
  readonly config: GatewayRoute;
  /** The path pattern: the route's name in metrics and logs. */
  readonly label: string;
  readonly subject: SubjectTemplate;
  readonly timeoutMs: number;
  readonly limiter: Limiter;
  readonly auth: RouteAuth | undefined;
  readonly forward: (
    headers: FastifyRequest["headers"],
    contentType: string | undefined,
    principal: string | undefined,
  ) => Record<string, string>;
}

/** A stream in progress, so a drain can end it. */
export interface ActiveStream {
  /** Ends the stream with a "the gateway is stopping" event. */
  drain(): void;
}

/** What every route handler shares: the client, the limits, the bookkeeping for drain. */
export interface GatewayContext {
  readonly client: JunctionClient;
  readonly settings: ResolvedSettings;
  /** NATS requests and durable publishes in flight, gateway-wide. */
  readonly requests: Limiter;
  /** Open SSE streams. */
  readonly streams: Limiter;
  readonly metrics: GatewayMetrics;
  readonly tracing: HttpTracing;
  readonly bodies: Bodies;
  /** The request's identity (one per request; its correlation id is echoed). */
  identityOf(req: FastifyRequest): MessageIdentity;
  readonly activeStreams: Set<ActiveStream>;
  /** Handlers running now (requests, publishes, streams), so a drain knows when it is done. */
  readonly state: { busy: number; draining: boolean };
}
