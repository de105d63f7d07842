import type { Server, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import dynalite from "dynalite";
import { buildApp } from "fauxqs";
import type { AwsRequest, LocalService } from "../aws/index.ts";
import { EMULATOR_HOST, type SqsEmulator } from "../sqs/index.ts";
import { applySqsRules } from "./fauxqs-queues.ts";
import { fauxqsInternals, openPersistence } from "./fauxqs-store.ts";

/**
 * SQS: fauxqs in this process, no port of its own, called with JSON-protocol requests (the edge
 * translates the query protocol and queue URLs; see ../sqs), with AWS's FIFO receive and in-flight
 * limits (./fauxqs-queues.ts). With `path` its queues and messages live in SQLite there (fauxqs's own
 * persistence); messages that were in flight when it stopped are visible again, since the receipt
 * handles of the run that took them are gone with it.
 */
export async function startLocalSqs(
  options: { readonly path?: string; readonly inFlightLimit?: number } = {},
): Promise<SqsEmulator> {
  const internals = await fauxqsInternals();
  const sqsStore = new internals.SqsStore();
  const snsStore = new internals.SnsStore();
  applySqsRules(sqsStore, internals, options.inFlightLimit);
  const persistence = options.path === undefined ? undefined : openPersistence(internals, options.path);
  if (persistence !== undefined) {
    // Loaded before the stores get it, as startFauxqs does: loading must not write back what it reads.
    persistence.loadSqsAndSns(sqsStore, snsStore);
    sqsStore.persistence = persistence;
    snsStore.persistence = persistence;
    for (const queue of sqsStore.allQueues()) {
      queue.persistence = persistence;
      for (const handle of [...queue.inflightMessages.keys()]) queue.changeVisibility(handle, 0);
    }
  }
  // The stores are fauxqs's own classes, typed here by the parts the local SQS uses.
  const stores = { sqsStore, snsStore, s3Store: new internals.S3Store() } as unknown as NonNullable<
    NonNullable<Parameters<typeof buildApp>[0]>["stores"]
  >;
  const app = buildApp({ logger: false, stores });
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
    async close() {
      await app.close();
      persistence?.close();
    },
  };
}

/** What DynamoDB answered one request, as it would have been sent. */
export interface DynamoDbExchange {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

/** DynamoDB: requests passed through as they came, or answered to the edge first, and its own calls. */
export interface DynamoDbEmulator extends LocalService {
  exchange(req: AwsRequest): Promise<DynamoDbExchange>;
  /** One operation called by the edge itself; the answer's JSON body. */
  call(
    operation: string,
    input: Record<string, unknown>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
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
    const stream = Object.assign(Readable.from([req.body]), {
      method: req.method,
      url: req.url,
      headers: req.headers,
    });
    server.emit("request", stream, res);
  };
  const exchange = (req: AwsRequest) =>
    new Promise<DynamoDbExchange>((resolve) => {
      pass(req, new CapturedResponse(resolve));
    });
  return {
    handle: pass,
    exchange,
    async call(operation, input) {
      const { status, text } = await exchange({
        method: "POST",
        url: "/",
        headers: { ...INTERNAL_HEADERS, "x-amz-target": `DynamoDB_20120810.${operation}` },
        body: Buffer.from(JSON.stringify(input)),
      });
      return { status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The part of a ServerResponse dynalite uses, to capture an answer before it is sent on. */
class CapturedResponse {
  statusCode = 200;
  contentType = "";
  readonly #headers: Record<string, string> = {};
  constructor(private readonly done: (answer: DynamoDbExchange) => void) {}
  setHeader(name: string, value: string | number): void {
    this.#headers[name.toLowerCase()] = String(value);
  }
  end(text?: string | Buffer): void {
    this.done({
      status: this.statusCode,
      headers: this.#headers,
      text: text === undefined ? "" : text.toString(),
    });
  }
}

/** The emulators the edge serves, each listening alone on 127.0.0.1 (what the edge is measured against). */
export interface BareEmulators {
  readonly sqsUrl: string;
  readonly dynamodbUrl: string;
  close(): Promise<void>;
}

export async function startBareEmulators(): Promise<BareEmulators> {
  const sqs = buildApp({ logger: false });
  const sqsUrl = await sqs.listen({ host: "127.0.0.1", port: 0 });
  const dynamodb: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dynamodb.listen(0, "127.0.0.1", resolve));
  return {
    sqsUrl,
    dynamodbUrl: `http://127.0.0.1:${(dynamodb.address() as { port: number }).port}`,
    close: async () => {
      await Promise.allSettled([
        sqs.close(),
        new Promise<void>((resolve) => dynamodb.close(() => resolve())),
      ]);
    },
  };
}
