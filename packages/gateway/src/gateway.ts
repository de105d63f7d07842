import type { JunctionClient, MessageIdentity } from "@junction/sdk";
import { silentLogger } from "@junction/sdk/telemetry";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { Registry } from "prom-client";
import { createAuthenticator } from "./auth/authenticate.ts";
import { checkGatewayConfig, formatGatewayPath } from "./config/check.ts";
import { OPS_PATHS, pathParams } from "./config/paths.ts";
import { type GatewayConfigInput, GatewayConfigSchema } from "./config/schema.ts";
import { bodyCeiling, HEADER_RESERVE_BYTES, resolveSettings } from "./config/settings.ts";
import { AlreadyStartedError, GatewayConfigError } from "./errors.ts";
import { createBodies } from "./http/body.ts";
import { registerGuards } from "./http/guards.ts";
import { createHeaderForwarder } from "./http/headers.ts";
import { CORRELATION_HEADER, requestIdentity } from "./http/identity.ts";
import { PROBLEM_CONTENT_TYPE, problemBody, problemOf } from "./http/problem.ts";
import { useCheckingSchemas } from "./http/schemas.ts";
import { createHttpTracing } from "./http/trace.ts";
import type { GatewayLogger } from "./logger.ts";
import { createGatewayMetrics, createRequestObserver } from "./ops/metrics.ts";
import { openApiDocument } from "./ops/openapi.ts";
import { registerOps } from "./ops/routes.ts";
import type { ActiveStream, GatewayContext, RouteRuntime } from "./routes/context.ts";
import { createLimiter } from "./routes/limiter.ts";
import { publishHandler } from "./routes/publish.ts";
import { requestHandler } from "./routes/request.ts";
import { streamHandler } from "./routes/stream.ts";
import { compileSubject } from "./routes/subject.ts";
import { waitUntil } from "./wait.ts";

export interface GatewayDeps {
  /** The NATS client requests go through. The gateway never closes it: its owner drains it after `stop()`. */
  readonly client: JunctionClient;
  /** pino or anything with its methods; default silent. Access logs are `info`, failures `error`. */
  readonly logger?: GatewayLogger;
  /** Where the `junction_gateway_*` series go (and what `/metrics` serves); default a new registry. */
  readonly registry?: Registry;
  /** Environment for `apiKeys.*.env`; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directory JWKS file paths are relative to (the config file's); default the working directory. */
  readonly baseDir?: string;
}

export interface Gateway {
  /** Checks what only start-up can (key variables, JWKS files, schemas), then listens. Resolves with the URL. */
  start(): Promise<string>;
  /** Serving, connected to NATS and not draining. */
  ready(): boolean;
  /** Requests and streams in progress. */
  readonly inFlight: { readonly requests: number; readonly streams: number };
  /**
   * Drains: stops accepting (new connections refused, requests on open ones answered 503), lets what is
   * in flight finish within `drainTimeoutMs`, ends streams still open with an `error` event, then closes.
   */
  stop(): Promise<void>;
}

/** The status counted for a request whose caller hung up (nginx's "client closed request"). */
const CALLER_GONE = 499;

/**
 * The HTTP → NATS gateway for a `gateway:` config (docs/gateway.md), written in code or loaded from
 * junction.yaml: the gateway's schema applies the defaults either way.
 */
export function createGateway(input: GatewayConfigInput, deps: GatewayDeps): Gateway {
  const parsed = GatewayConfigSchema.safeParse(input);
  // A config that does not parse is reported by start() with every other problem; the defaults stand
  // in until then.
  const config = parsed.success ? parsed.data : GatewayConfigSchema.parse({});
  const maxPayload = deps.client.nc.info?.max_payload;
  const settings = resolveSettings(config, maxPayload);
  const logger = deps.logger ?? silentLogger;
  const registry = deps.registry ?? new Registry();
  const metrics = createGatewayMetrics(registry);
  const requests = createLimiter(settings.maxInFlight, "gateway");
  const streams = createLimiter(settings.maxStreams, "streams");
  const activeStreams = new Set<ActiveStream>();
  const identities = new WeakMap<FastifyRequest, MessageIdentity>();
  const identityOf = (req: FastifyRequest): MessageIdentity => {
    let identity = identities.get(req);
    if (identity === undefined) {
      identity = requestIdentity(req.headers);
      identities.set(req, identity);
    }
    return identity;
  };
  let app: FastifyInstance | undefined;
  let listening = false;
  let connected = true;
  const state = { busy: 0, draining: false };
  let stopping: Promise<void> | undefined;

  const sendProblem = (err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const identity = identityOf(req);
    if (req.raw.socket.destroyed) {
      // The caller hung up (mid-body, say): an everyday event, not a failure of the gateway. The answer
      // goes nowhere; 499 is nginx's "client closed request".
      const code = (err as { code?: unknown } | undefined)?.code;
      logger.info(
        { route: req.routeOptions.url, correlationId: identity.correlationId, code },
        "gateway: the caller hung up",
      );
      return reply.code(CALLER_GONE).send();
    }
    const problem = problemOf(err, settings);
    if (problem.unexpected)
      logger.error(
        { err, route: req.routeOptions.url, correlationId: identity.correlationId },
        "gateway: unexpected failure",
      );
    return reply
      .code(problem.status)
      .headers({
        ...problem.headers,
        "content-type": PROBLEM_CONTENT_TYPE,
        [CORRELATION_HEADER]: identity.correlationId,
      })
      .send(problemBody(problem, req.url.split("?")[0] ?? "", identity.correlationId));
  };

  const build = async (): Promise<FastifyInstance> => {
    const problems: { path: string; message: string }[] = (parsed.error?.issues ?? []).map((issue) => ({
      path: `gateway.${formatGatewayPath(issue.path.map((s) => (typeof s === "number" ? s : String(s))))}`,
      message: issue.message,
    }));
    if (problems.length > 0) throw new GatewayConfigError(problems);
    const bodyBytes = config.limits.bodyBytes;
    const ceiling = bodyCeiling(maxPayload);
    if (bodyBytes !== undefined && ceiling !== undefined && bodyBytes > ceiling) {
      problems.push({
        path: "gateway.limits.bodyBytes",
        message: `${bodyBytes} is more than NATS carries: the server's max_payload is ${maxPayload} bytes, of which ${HEADER_RESERVE_BYTES} are kept for headers; use at most ${ceiling} or raise max_payload`,
      });
    }
    const auth = await createAuthenticator(
      config.auth ?? {},
      { env: deps.env ?? process.env, baseDir: deps.baseDir ?? process.cwd() },
      problems,
    );
    // The same checks as `junction validate`, for configs written in code.
    for (const p of checkGatewayConfig(config)) {
      problems.push({ path: `gateway.${formatGatewayPath(p.at)}`, message: p.message });
    }
    if (problems.length > 0) throw new GatewayConfigError(problems);
    const routes = config.routes.map((route, i): RouteRuntime | undefined => {
      const kind =
        route.request !== undefined ? "request" : route.publish !== undefined ? "publish" : "stream";
      const source = route.request ?? route.publish ?? route.stream ?? "";
      const subject = compileSubject(source, pathParams(route.path));
      if (typeof subject === "string") {
        problems.push({ path: `gateway.routes[${i}].${kind}`, message: subject });
        return undefined;
      }
      return {
        config: route,
        label: route.path,
        subject,
        timeoutMs: route.timeoutMs,
        limiter: createLimiter(route.maxInFlight ?? settings.maxInFlight, "route"),
        auth: auth.forRoute(route),
        forward: createHeaderForwarder([...settings.requestHeaders, ...(route.headers ?? [])]),
      };
    });
    if (problems.length > 0) throw new GatewayConfigError(problems);

    const fastify = Fastify({
      logger: false,
      bodyLimit: settings.bodyBytes,
      requestTimeout: settings.requestTimeoutMs,
      // Node checks these timeouts every `connectionsCheckingInterval` (30 s by default): check often
      // enough that a slow client is cut off close to its deadline.
      http: {
        headersTimeout: settings.headersTimeoutMs,
        connectionsCheckingInterval: Math.min(1000, settings.headersTimeoutMs),
      },
      // Draining answers with a problem document (onRequest below), not fastify's own 503 body.
      return503OnClosing: false,
      exposeHeadRoutes: false,
      routerOptions: { maxParamLength: 256 },
      frameworkErrors: (err, req, reply) => sendProblem(err, req, reply),
    });
    useCheckingSchemas(fastify);
    const tracing = createHttpTracing();
    const ctx: GatewayContext = {
      client: deps.client,
      settings,
      requests,
      streams,
      metrics,
      tracing,
      bodies: createBodies(fastify),
      identityOf,
      activeStreams,
      state,
    };

    // No onRequest or onSend hook: handlers check for a drain and set the correlation header themselves,
    // and the one hook left is callback-style, so a request costs no extra promise.
    const observe = createRequestObserver(metrics);
    fastify.addHook("onResponse", (req, reply, done) => {
      const route = req.routeOptions.url ?? "unmatched";
      observe(route, req.method, reply.statusCode, reply.elapsedTime / 1000);
      tracing.end(req, reply.statusCode);
      if (logger.isLevelEnabled?.("info") !== false) {
        logger.info(
          {
            method: req.method,
            route,
            path: req.url.split("?")[0],
            status: reply.statusCode,
            ms: Math.round(reply.elapsedTime * 100) / 100,
            correlationId: identityOf(req).correlationId,
          },
          "http",
        );
      }
      done();
    });
    fastify.setErrorHandler((err, req, reply) => sendProblem(err, req, reply));

    const methodsByPath = new Map<string, string[]>();
    for (const rt of routes) {
      if (rt === undefined) continue;
      const route = rt.config;
      const handler =
        route.request !== undefined
          ? requestHandler(rt, ctx)
          : route.publish !== undefined
            ? publishHandler(rt, ctx)
            : streamHandler(rt, ctx);
      fastify.route({
        method: route.method,
        url: route.path,
        schema: {
          ...(route.schema?.body === undefined ? {} : { body: route.schema.body }),
          ...(route.schema?.query === undefined ? {} : { querystring: route.schema.query }),
        },
        handler,
      });
      methodsByPath.set(route.path, [...(methodsByPath.get(route.path) ?? []), route.method]);
    }
    registerOps(fastify, {
      registry,
      ready: () => listening && !state.draining && connected,
      openApi: openApiDocument(config),
    });
    for (const path of OPS_PATHS) methodsByPath.set(path, ["GET"]);
    registerGuards(fastify, methodsByPath);
    try {
      await fastify.ready();
    } catch (err) {
      throw new GatewayConfigError([{ path: "gateway.routes", message: (err as Error).message }], {
        cause: err,
      });
    }
    return fastify;
  };

  const watchConnection = async () => {
    // Expected events, a line each: the client reconnects by itself, and readiness says meanwhile.
    for await (const s of deps.client.status()) {
      if (s.type === "disconnect") {
        connected = false;
        logger.warn({ server: s.server }, "gateway: NATS disconnected; not ready until it reconnects");
      } else if (s.type === "reconnect") {
        connected = true;
        logger.info({ server: s.server }, "gateway: NATS reconnected");
      }
    }
  };

  return {
    async start() {
      if (app !== undefined) throw new AlreadyStartedError();
      app = await build();
      const at = settings.listen.lastIndexOf(":");
      await app.listen({ host: settings.listen.slice(0, at), port: Number(settings.listen.slice(at + 1)) });
      listening = true;
      void watchConnection().catch(() => {});
      const address = app.server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      const host = settings.listen.slice(0, at);
      return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    },
    ready: () => listening && !state.draining && connected,
    get inFlight() {
      return { requests: state.busy - streams.inFlight, streams: streams.inFlight };
    },
    stop() {
      stopping ??= (async () => {
        state.draining = true;
        const server = app;
        if (server === undefined) return;
        const closed = server.close();
        await waitUntil(() => state.busy === 0, settings.drainTimeoutMs);
        for (const stream of activeStreams) stream.drain();
        await waitUntil(() => state.busy === 0, 1000);
        // Connections whose last answer went out are idle now; anything else left is cut after a moment.
        server.server.closeIdleConnections();
        const timer = setTimeout(() => server.server.closeAllConnections(), 1000);
        await closed;
        clearTimeout(timer);
        listening = false;
      })();
      return stopping;
    },
  };
}
