import type { IncomingMessage, Server, ServerResponse } from "node:http";
import dynalite from "dynalite";
import { buildApp } from "fauxqs";

/** An emulator that reads the request itself: the edge passes the untouched request through. */
export interface PassThrough {
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

/** SQS: fauxqs in this process (no port of its own; queue URLs follow the edge's Host header). */
export async function startLocalSqs(): Promise<PassThrough> {
  const app = buildApp({ logger: false });
  await app.ready();
  return {
    handle: (req, res) => app.routing(req, res),
    close: () => app.close(),
  };
}

/** DynamoDB: dynalite in this process, in memory, or in a LevelDB directory when `path` is given. */
export async function startLocalDynamoDb(options: { path?: string } = {}): Promise<PassThrough> {
  const server: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  // Requests arrive as its 'request' event, through the edge. It still listens (on a random loopback
  // port nobody uses) because its close() only closes the store after closing a listening server.
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    handle: (req, res) => server.emit("request", req, res),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
