import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import type { OpsAuth } from "./auth.ts";
import type { ConsoleHandler } from "./console/index.ts";

export interface OpsServerOptions {
  /** `host:port`; port 0 = random. */
  readonly listen: string;
  readonly registry: Registry;
  /** Ready to take traffic (connected, consumers running); `/readyz` answers 503 otherwise. */
  readonly ready: () => boolean;
  /** `/status` (JSON), for `junction status`; 404 without it. */
  readonly status?: () => Promise<unknown>;
  /** The live console (`/`, `/console/…`), asked first; see ops/console. */
  readonly console?: ConsoleHandler;
  /** `ops.auth`: what every request but the probes must pass (ops/auth.ts); none: all are open. */
  readonly auth?: OpsAuth;
}

/** Probes answer without credentials: orchestrators and load balancers send none. */
const PROBES = new Set(["/healthz", "/readyz"]);

export interface OpsServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * `/metrics` (Prometheus text), `/status` (JSON, when given), `/healthz` (the process is alive: always 200 while it serves) and
 * `/readyz` (200 only when ready, so a load balancer or orchestrator stops sending work while draining).
 * With `auth`, everything but the probes needs credentials: 401 (with a challenge) or 403 otherwise.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const [host = "127.0.0.1", portText = "0"] = splitHostPort(options.listen);
  const { auth } = options;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (auth === undefined || PROBES.has(path)) {
      serve(options, req, res, path);
      return;
    }
    auth(req.headers).then(
      (result) => {
        if (result.ok) serve(options, req, res, path);
        else
          res
            .writeHead(result.status, {
              "Content-Type": "text/plain",
              ...(result.challenge === undefined ? {} : { "WWW-Authenticate": result.challenge }),
            })
            .end(`${result.reason}\n`);
      },
      // Nothing of the failure is echoed: it may concern a credential.
      () => res.writeHead(500, { "Content-Type": "text/plain" }).end("credentials could not be checked\n"),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(portText), host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function serve(options: OpsServerOptions, req: IncomingMessage, res: ServerResponse, path: string): void {
  if (options.console?.(req, res)) return;
  if (req.method !== "GET") {
    res.writeHead(405, { Allow: "GET" }).end();
    return;
  }
  if (path === "/metrics") {
    void options.registry.metrics().then(
      (body) => res.writeHead(200, { "Content-Type": options.registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  } else if (path === "/healthz") {
    res.writeHead(200, { "Content-Type": "text/plain" }).end("ok\n");
  } else if (path === "/status" && options.status !== undefined) {
    options.status().then(
      (body) => res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(body)),
      (err: unknown) => res.writeHead(503, { "Content-Type": "text/plain" }).end(`${String(err)}\n`),
    );
  } else if (path === "/readyz") {
    const ready = options.ready();
    res.writeHead(ready ? 200 : 503, { "Content-Type": "text/plain" }).end(ready ? "ready\n" : "not ready\n");
  } else {
    res.writeHead(404, { "Content-Type": "text/plain" }).end("try /metrics, /status, /healthz or /readyz\n");
  }
}

function splitHostPort(listen: string): [string, string] {
  const at = listen.lastIndexOf(":");
  return at < 0 ? ["127.0.0.1", listen] : [listen.slice(0, at), listen.slice(at + 1)];
}
