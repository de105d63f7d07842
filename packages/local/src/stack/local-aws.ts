import { join } from "node:path";
import { sendAwsError } from "../aws/index.ts";
import { startLocalDynamoDb, startLocalSqs } from "../edge/emulators.ts";
import { startEdge } from "../edge/server.ts";
import { createLocalEventBridge } from "../eventbridge/index.ts";
import { createLocalLambda, type LocalFunction } from "../lambda/index.ts";
import { createLocalSqs } from "../sqs/index.ts";

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
  const sqsEmulator = await startLocalSqs();
  const sqs = createLocalSqs(sqsEmulator);
  const dynamodb = await startLocalDynamoDb(
    options.persistDir === undefined ? {} : { path: join(options.persistDir, "dynamodb") },
  );
  const dynamodbstreams = {
    handle: (req: { headers: Record<string, unknown> }, res: import("node:http").ServerResponse) =>
      sendAwsError(
        res,
        400,
        "UnknownOperationException",
        `the local endpoint does not serve DynamoDB Streams ${String(req.headers["x-amz-target"])}`,
      ),
  };
  const lambda = createLocalLambda({ functions: options.functions, baseDir: options.baseDir });
  const eventbridge = createLocalEventBridge({
    // Straight to the local SQS, as a JSON-protocol client of the edge would send it.
    deliverToSqs: async (queueArn, body, { messageGroupId }) => {
      const name = queueArn.split(":").pop() as string;
      const { status, body: answer } = await sqs.call(
        "SendMessage",
        {
          QueueUrl: `/000000000000/${name}`,
          MessageBody: body,
          // Like EventBridge, no dedup id: a FIFO target queue must use content-based deduplication.
          ...(messageGroupId === undefined ? {} : { MessageGroupId: messageGroupId }),
        },
        "127.0.0.1",
      );
      if (status !== 200)
        throw new Error(`SQS SendMessage to ${name}: ${String(answer.__type)}: ${String(answer.message)}`);
    },
    invokeLambda: async (functionArn, payload) => {
      await lambda.invoke(functionArn, new TextEncoder().encode(payload), { type: "Event" });
    },
  });
  const close = async () => {
    await Promise.allSettled([eventbridge.close(), lambda.close(), sqsEmulator.close(), dynamodb.close()]);
  };
  try {
    const edge = await startEdge(options.port, { sqs, dynamodb, dynamodbstreams, eventbridge, lambda });
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
