import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { JunctionConfig } from "../config/schema.ts";

export interface AwsEndpoint {
  readonly region: string;
  /** Undefined: real AWS (endpoints and credentials from the usual chain). */
  readonly url?: string;
}

/**
 * Where the config's AWS is: `endpoint: local` is the embedded edge endpoint (`localUrl` when the
 * stack is running, else 127.0.0.1 on the configured port), a URL is used as is, none means real AWS.
 */
export function awsEndpoint(config: JunctionConfig, localUrl?: string): AwsEndpoint {
  const { region, endpoint } = config.aws;
  if (endpoint === undefined) return { region };
  if (endpoint === "local") return { region, url: localUrl ?? `http://127.0.0.1:${config.local.awsPort}` };
  return { region, url: endpoint };
}

/** One client per service, shared by everything in the process (keep-alive connections, one signer). */
export interface AwsClientSet {
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  readonly eventbridge: EventBridgeClient;
  readonly lambda: LambdaClient;
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
  return {
    sqs,
    dynamodb,
    eventbridge,
    lambda,
    destroy: () => {
      for (const c of [sqs, dynamodb, eventbridge, lambda]) c.destroy();
    },
  };
}
