import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type LocalService, readBody, sendAwsError } from "../aws/index.ts";
import { PortInUseError } from "../ports.ts";
import type { PassThrough } from "./emulators.ts";
import { type EdgeService, routeOf } from "./route.ts";

export interface EdgeServices {
  readonly sqs: PassThrough;
  readonly dynamodb: PassThrough;
  readonly eventbridge: LocalService;
  readonly lambda: LocalService;
}

export interface Edge {
  /** `http://127.0.0.1:<port>`: the one endpoint for every AWS SDK client (`AWS_ENDPOINT_URL`). */
  readonly url: string;
  readonly port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** One HTTP endpoint on 127.0.0.1 serving SQS, DynamoDB, EventBridge and Lambda. `port` 0 = random. */
export async function startEdge(port: number, services: EdgeServices): Promise<Edge> {
  const server = createServer((req, res) => {
    void dispatch(services, req, res).catch((err: unknown) => {
      if (!res.headersSent)
        sendAwsError(res, 500, "InternalFailure", `local ${err instanceof Error ? err.message : err}`);
      else res.destroy();
    });
  });
  await listen(server, port);
  const actual = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function dispatch(services: EdgeServices, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const service: EdgeService | undefined = routeOf(req.method ?? "GET", req.url ?? "/", req.headers);
  switch (service) {
    case "sqs":
    case "dynamodb":
      return services[service].handle(req, res);
    case "eventbridge":
    case "lambda": {
      const body = await readBody(req);
      return services[service].handle(
        { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body },
        res,
      );
    }
    default:
      req.resume();
      sendAwsError(
        res,
        400,
        "UnknownOperationException",
        `the local edge endpoint serves SQS, DynamoDB, EventBridge and Lambda; this request names none (X-Amz-Target: ${req.headers["x-amz-target"] ?? "none"}, path: ${req.url})`,
      );
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "EADDRINUSE" ? new PortInUseError("the AWS edge endpoint", port, { cause: err }) : err,
      );
    server.once("error", onError);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      resolve();
    });
  });
}
