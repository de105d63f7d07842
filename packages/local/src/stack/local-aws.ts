import { writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createLocalDynamoDb,
  createLocalDynamoDbStreams,
  type SavedStream,
  StreamStore,
} from "../dynamodb/index.ts";
import { startLocalDynamoDb, startLocalSqs } from "../edge/emulators.ts";
import { startEdge } from "../edge/server.ts";
import { createLocalEventBridge } from "../eventbridge/index.ts";
import { createLocalLambda, type LocalFunction } from "../lambda/index.ts";
import { createLocalSqs } from "../sqs/index.ts";
import { eventTargets } from "./event-targets.ts";
import { invocationDestinations } from "./invocation-destinations.ts";

export interface LocalAwsOptions {
  /** Edge endpoint port on 127.0.0.1; 0 = random. */
  readonly port: number;
  /** Lambda functions served locally, handler paths relative to `baseDir`. */
  readonly functions: Readonly<Record<string, LocalFunction>>;
  readonly baseDir: string;
  /**
   * Keep DynamoDB data in `<persistDir>/dynamodb` (LevelDB) and SQS queues and messages in
   * `<persistDir>/sqs` (SQLite) instead of memory.
   */
  readonly persistDir?: string;
  /** How fast Lambda's `Event` retries and event ages run: 1 (AWS's: 1 and 2 minutes) unless lowered (tests). */
  readonly lambdaAsyncTimeScale?: number;
  /** Messages in flight per queue at which SQS refuses to hand out more; AWS's 120,000 unless lowered (tests). */
  readonly sqsInFlightLimit?: number;
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
  const sqsEmulator = await startLocalSqs({
    ...(options.persistDir === undefined ? {} : { path: join(options.persistDir, "sqs") }),
    ...(options.sqsInFlightLimit === undefined ? {} : { inFlightLimit: options.sqsInFlightLimit }),
  });
  const sqs = createLocalSqs(sqsEmulator);
  const dynamodbEmulator = await startLocalDynamoDb(
    options.persistDir === undefined ? {} : { path: join(options.persistDir, "dynamodb") },
  );
  // dynalite keeps tables in the persist directory; the edge keeps their streams' settings beside it.
  const streamsFile =
    options.persistDir === undefined ? undefined : join(options.persistDir, "dynamodb-streams.json");
  const streams = new StreamStore(streamsFile === undefined ? [] : await readSavedStreams(streamsFile));
  const dynamodb = createLocalDynamoDb(dynamodbEmulator, streams, () => {
    if (streamsFile !== undefined) writeFileSync(streamsFile, JSON.stringify(streams.saved()));
  });
  const dynamodbstreams = createLocalDynamoDbStreams(streams);
  const lambda = createLocalLambda({
    functions: options.functions,
    baseDir: options.baseDir,
    sendInvocationRecord: (arn, record) => invocationRecords.send(arn, record),
    sendDeadLetter: (arn, event, attributes) => invocationRecords.sendDeadLetter(arn, event, attributes),
    ...(options.lambdaAsyncTimeScale === undefined ? {} : { asyncTimeScale: options.lambdaAsyncTimeScale }),
  });
  const eventbridge = createLocalEventBridge(eventTargets({ sqs, lambda }));
  const invocationRecords = invocationDestinations({ sqs, lambda, eventbridge });
  const close = async () => {
    await Promise.allSettled([
      eventbridge.close(),
      lambda.close(),
      sqsEmulator.close(),
      dynamodbEmulator.close(),
    ]);
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

async function readSavedStreams(file: string): Promise<SavedStream[]> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as SavedStream[];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}
