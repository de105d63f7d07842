import type { Server, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import dynalite from "dynalite";
import { buildApp } from "fauxqs";
import type { AwsRequest, LocalService } from "../aws/index.ts";
import { EMULATOR_HOST, type SqsEmulator } from "../sqs/index.ts";

/**
 * SQS: fauxqs in this process, no port of its own, called with JSON-protocol requests (the edge
 * translates the query protocol and queue URLs; see ../sqs).
 */
export async function startLocalSqs(): Promise<SqsEmulator> {
  const app = buildApp({ logger: false });
  await app.ready();
  return {
    async call(action, input) {
      const answer = await app.inject({
        method: "POST",
        url: "/",
        headers: {
          host: EMULATOR_HOST,
          "content-type": "application/x-amz-json-1.0",
          "x-amz-target": `AmazonSQS.${action}`,
        },
        payload: JSON.stringify(input),
      });
      return { status: answer.statusCode, body: answer.body === "" ? {} : answer.json() };
    },
    close: () => app.close(),
  };
}

/** What DynamoDB answered one call. */
export interface DynamoDbAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** DynamoDB: requests passed through as they came, and calls of the edge's own. */
export interface DynamoDbEmulator extends LocalService {
  call(operation: string, input: Record<string, unknown>): Promise<DynamoDbAnswer>;
  close(): Promise<void>;
}

/** dynalite checks that a request is signed, not the signature. */
const INTERNAL_HEADERS = {
  "content-type": "application/x-amz-json-1.0",
  authorization:
    "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
  "x-amz-date": "20260101T000000Z",
};

/** DynamoDB: dynalite in this process, in memory, or in a LevelDB directory when `path` is given. */
export async function startLocalDynamoDb(options: { path?: string } = {}): Promise<DynamoDbEmulator> {
  const server: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  // Requests are handed to its 'request' event (the edge has read the body already). It still listens
  // (on a random loopback port nobody uses) because its close() only closes the store after closing a
  // listening server.
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const pass = (req: AwsRequest, res: ServerResponse | CapturedResponse): void => {
    server.emit(
      "request",
      Object.assign(Readable.from([req.body]), { method: req.method, url: req.url, headers: req.headers }),
      res,
    );
  };
  return {
    handle: pass,
    call: (operation, input) =>
      new Promise((resolve) => {
        const captured = new CapturedResponse((status, text) =>
          resolve({ status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) }),
        );
        pass(
          {
            method: "POST",
            url: "/",
            headers: { ...INTERNAL_HEADERS, "x-amz-target": `DynamoDB_20120810.${operation}` },
            body: Buffer.from(JSON.stringify(input)),
          },
          captured,
        );
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The part of a ServerResponse dynalite uses, to read its answer to a call of the edge's own. */
class CapturedResponse {
  statusCode = 200;
  contentType = "";
  constructor(private readonly done: (status: number, text: string) => void) {}
  setHeader(): void {}
  end(text?: string | Buffer): void {
    this.done(this.statusCode, text === undefined ? "" : text.toString());
  }
}
