import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SQSClient } from "@aws-sdk/client-sqs";
import { type BatchCallMode, type BatchCalls, createBatchCalls } from "./batch-calls.ts";
import type { AwsConfig } from "./schema.ts";

export interface AwsEndpoint {
  readonly region: string;
  /** Undefined: real AWS (endpoints and credentials from the usual chain). */
  readonly url?: string;
  /** How the bridge's batch calls go (default `lean`; `sdk` through the clients' own `send`). */
  readonly batchCalls?: BatchCallMode;
}

/**
 * Where the config's AWS is: `endpoint: local` is the embedded edge endpoint (`localUrl` when the
 * stack is running, else 127.0.0.1 on the configured port), a URL is used as is, none means real AWS.
 */
export function awsEndpoint(
  config: { readonly aws: AwsConfig; readonly local: { readonly awsPort: number } },
  localUrl?: string,
): AwsEndpoint {
  const { region, endpoint, batchCalls } = config.aws;
  if (endpoint === undefined) return { region, batchCalls };
  if (endpoint === "local")
    return { region, batchCalls, url: localUrl ?? `http://127.0.0.1:${config.local.awsPort}` };
  return { region, batchCalls, url: endpoint };
}

/** One client per service, shared by everything in the process (keep-alive connections, one signer). */
export interface AwsClientSet {
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  readonly eventbridge: EventBridgeClient;
  readonly lambda: LambdaClient;
  /** SendMessageBatch, PutEvents and BatchWriteItem, as `endpoint.batchCalls` says. */
  readonly batch: BatchCalls;
  destroy(): void;
}

export function createAwsClients(endpoint: AwsEndpoint): AwsClientSet {
  const options = {
    region: endpoint.region,
    ...(endpoint.url === undefined
      ? {}
      : {
          endpoint: endpoint.url,
          // A local endpoint accepts any signature; real credentials must never be sent to it.
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        }),
  };
  const sqs = new SQSClient(options);
  const dynamodb = new DynamoDBClient(options);
  const eventbridge = new EventBridgeClient(options);
  const lambda = new LambdaClient(options);
  const batch = createBatchCalls(endpoint.batchCalls ?? "lean", { sqs, dynamodb, eventbridge });
  return {
    sqs,
    dynamodb,
    eventbridge,
    lambda,
    batch,
    destroy: () => {
      batch.destroy();
      for (const c of [sqs, dynamodb, eventbridge, lambda]) c.destroy();
    },
  };
}
