// Test harness: the stock AWS SDK EventBridge client talking to the local EventBridge through a
// plain node:http server on 127.0.0.1 (what the edge endpoint does), with recording fakes for the
// SQS and Lambda deliveries.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { readBody } from "../../aws/index.ts";
import { createLocalEventBridge, type LocalEventBridge, type LocalEventBridgeDeps } from "../index.ts";

export interface SqsCall {
  readonly queueArn: string;
  readonly body: string;
  readonly messageGroupId?: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface LambdaCall {
  readonly functionArn: string;
  readonly payload: string;
}

export interface Harness {
  /** `http://127.0.0.1:<port>` of the test server. */
  readonly url: string;
  readonly client: EventBridgeClient;
  readonly bridge: LocalEventBridge;
  readonly sqs: SqsCall[];
  readonly lambda: LambdaCall[];
  /** Deliveries to these ARNs are recorded, then fail with what the function makes. */
  readonly failing: Failing;
  close(): Promise<void>;
}

/** ARNs whose deliveries fail: `add(arn)` with a plain error, `set(arn, make)` with one of a test's own. */
export class Failing extends Map<string, () => Error> {
  add(arn: string): this {
    return this.set(
      arn,
      () => new Error(`${arn.includes(":sqs:") ? "queue" : "function"} ${arn} is unavailable`),
    );
  }
}

export const QUEUE = "arn:aws:sqs:us-east-1:000000000000:orders";
export const FIFO_QUEUE = "arn:aws:sqs:us-east-1:000000000000:work.fifo";
export const FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:on-order";

export async function startHarness(
  options: Pick<LocalEventBridgeDeps, "now" | "newId" | "maxEntryBytes" | "retryDelayMs"> = {},
): Promise<Harness> {
  const sqs: SqsCall[] = [];
  const lambda: LambdaCall[] = [];
  const failing = new Failing();
  const bridge = createLocalEventBridge({
    ...options,
    async deliverToSqs(queueArn, body, { messageGroupId, attributes }) {
      sqs.push({
        queueArn,
        body,
        ...(messageGroupId === undefined ? {} : { messageGroupId }),
        ...(attributes === undefined ? {} : { attributes }),
      });
      const failure = failing.get(queueArn);
      if (failure !== undefined) throw failure();
    },
    async invokeLambda(functionArn, payload) {
      lambda.push({ functionArn, payload });
      const failure = failing.get(functionArn);
      if (failure !== undefined) throw failure();
    },
  });
  const server = createServer((req, res) => {
    void readBody(req).then((body) =>
      bridge.handle({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body }, res),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const client = new EventBridgeClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  return {
    url,
    client,
    bridge,
    sqs,
    lambda,
    failing,
    async close() {
      client.destroy();
      await bridge.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The AWS error an SDK call failed with: `{ name, message }`. */
export async function awsError(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await call;
  } catch (err) {
    const e = err as Error;
    return { name: e.name, message: e.message };
  }
  throw new Error("expected the call to fail");
}
