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
export function startLocalDynamoDb(options: { path?: string } = {}): PassThrough {
  const server: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  return {
    // dynalite is an http.Server that never listens here: requests arrive as its 'request' event.
    handle: (req, res) => server.emit("request", req, res),
    close: () =>
      new Promise<void>((resolve) => {
        // It closes its store too; "not running" is expected, since it never listened.
        server.close(() => resolve());
      }),
  };
}
