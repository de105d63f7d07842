import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AwsRequest, type LocalService, readBody, sendAwsError, sendQueryError } from "../aws/index.ts";
import { PortInUseError } from "../ports.ts";
import { type EdgeService, routeOf } from "./route.ts";

export type EdgeServices = Readonly<Record<EdgeService, LocalService>>;

export interface Edge {
  /** `http://127.0.0.1:<port>`: the one endpoint for every AWS SDK client (`AWS_ENDPOINT_URL`). */
  readonly url: string;
  readonly port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** One HTTP endpoint on 127.0.0.1 serving SQS, DynamoDB (and Streams), EventBridge and Lambda. */
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

async function dispatch(
  services: EdgeServices,
  incoming: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readBody(incoming);
  const req: AwsRequest = {
    method: incoming.method ?? "GET",
    url: incoming.url ?? "/",
    headers: incoming.headers,
    body,
  };
  const route = routeOf(req);
  if ("service" in route) return services[route.service].handle(req, res);
  const { service, action, query } = route.unserved;
  const message = `the local AWS endpoint does not serve ${service} ${action} (it serves SQS, DynamoDB, DynamoDB Streams, EventBridge and Lambda)`;
  if (query) sendQueryError(res, 400, "InvalidAction", message);
  else sendAwsError(res, 400, "UnknownOperationException", message);
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
