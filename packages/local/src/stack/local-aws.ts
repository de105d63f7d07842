import { join } from "node:path";
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { LOCAL_REGION } from "../aws/index.ts";
import { startLocalDynamoDb, startLocalSqs } from "../edge/emulators.ts";
import { startEdge } from "../edge/server.ts";
import { createLocalEventBridge } from "../eventbridge/index.ts";
import { createLocalLambda, type LocalFunction } from "../lambda/index.ts";

export interface LocalAwsOptions {
  /** Edge endpoint port on 127.0.0.1; 0 = random. */
  readonly port: number;
  /** Lambda functions served locally, handler paths relative to `baseDir`. */
  readonly functions: Readonly<Record<string, LocalFunction>>;
  readonly baseDir: string;
  /** Keep DynamoDB data in `<persistDir>/dynamodb` (LevelDB) instead of memory. */
  readonly persistDir?: string;
}

export interface LocalAws {
  /** `http://127.0.0.1:<port>`, for every AWS SDK client and the AWS CLI. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * SQS (fauxqs), DynamoDB (dynalite), EventBridge and Lambda (Junction's own) behind one edge endpoint.
 * EventBridge delivers to SQS through the edge itself, exactly as it would reach real SQS.
 */
export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const sqs = await startLocalSqs();
  const dynamodb = await startLocalDynamoDb(
    options.persistDir === undefined ? {} : { path: join(options.persistDir, "dynamodb") },
  );
  const lambda = createLocalLambda({ functions: options.functions, baseDir: options.baseDir });
  let sqsClient: SQSClient | undefined;
  const queueUrls = new Map<string, string>();
  const eventbridge = createLocalEventBridge({
    deliverToSqs: async (queueArn, body, { messageGroupId }) => {
      if (sqsClient === undefined) throw new Error("the edge endpoint is not listening yet");
      const name = queueArn.split(":").pop() as string;
      let url = queueUrls.get(queueArn);
      if (url === undefined) {
        url = (await sqsClient.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;
        queueUrls.set(queueArn, url);
      }
      await sqsClient.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: body,
          // Like EventBridge, no dedup id: a FIFO target queue must use content-based deduplication.
          ...(messageGroupId === undefined ? {} : { MessageGroupId: messageGroupId }),
        }),
      );
    },
    invokeLambda: async (functionArn, payload) => {
      await lambda.invoke(functionArn, new TextEncoder().encode(payload), { type: "Event" });
    },
  });
  const close = async () => {
    sqsClient?.destroy();
    await Promise.allSettled([eventbridge.close(), lambda.close(), sqs.close(), dynamodb.close()]);
  };
  try {
    const edge = await startEdge(options.port, { sqs, dynamodb, eventbridge, lambda });
    sqsClient = new SQSClient({
      endpoint: edge.url,
      region: LOCAL_REGION,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    return {
      url: edge.url,
      port: edge.port,
      close: async () => {
        await edge.close();
        await close();
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}
