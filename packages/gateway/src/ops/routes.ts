import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";

export interface OpsDeps {
  readonly registry: Registry;
  /** Connected to NATS, listening, not draining. */
  readonly ready: () => boolean;
  readonly openApi: Record<string, unknown>;
}

/**
 * `/healthz` answers while the process serves (liveness), `/readyz` only while it should get traffic
 * (readiness: a load balancer stops sending during a drain or a NATS outage), `/metrics` is Prometheus
 * text, `/openapi.json` the routes' OpenAPI document. No auth, no limits: probes must always get through.
 */
export function registerOps(app: FastifyInstance, deps: OpsDeps): void {
  const config = { ops: true };
  const openApi = JSON.stringify(deps.openApi);
  app.get("/healthz", { config }, async (_req, reply) => reply.type("text/plain").send("ok\n"));
  app.get("/readyz", { config }, async (_req, reply) => {
    const ready = deps.ready();
    return reply
      .code(ready ? 200 : 503)
      .type("text/plain")
      .send(ready ? "ready\n" : "not ready\n");
  });
  app.get("/metrics", { config }, async (_req, reply) =>
    reply.type(deps.registry.contentType).send(await deps.registry.metrics()),
  );
  app.get("/openapi.json", { config }, async (_req, reply) => reply.type("application/json").send(openApi));
}
