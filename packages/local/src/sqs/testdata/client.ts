import { SQSClient } from "@aws-sdk/client-sqs";

/** The stock SDK client on the local edge endpoint, with the any-credentials the stack accepts. */
export function localSqsClient(endpoint: string): SQSClient {
  return new SQSClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
}
