/**
 * fauxqs's stores, built here instead of inside `buildApp`, for two things its public API does not
 * offer: SQLite persistence without `startFauxqs` (which listens on 0.0.0.0; the stack binds loopback
 * only), and AWS's FIFO receive and in-flight limits (./fauxqs-queues.ts). These classes are not in
 * fauxqs's `exports`, so they are loaded from its files beside the entry point, and checked: a fauxqs
 * that moved them fails at start with a sentence saying so, not later with a TypeError.
 */

/** One message as fauxqs keeps it. */
export interface FauxqsMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly md5OfMessageAttributes: string;
  readonly messageAttributes: Record<string, unknown>;
  approximateReceiveCount: number;
  approximateFirstReceiveTimestamp?: number;
  readonly messageGroupId?: string;
  readonly sequenceNumber?: string;
}

export interface FauxqsInflight {
  readonly message: FauxqsMessage;
  readonly receiptHandle: string;
  visibilityDeadline: number;
}

export interface FauxqsReceived {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  MD5OfMessageAttributes?: string;
  MessageAttributes?: Record<string, unknown>;
}

export interface FauxqsPersistence {
  deleteMessage(messageId: string): void;
  updateMessageInflight(
    messageId: string,
    receiptHandle: string,
    visibilityDeadline: number,
    receiveCount: number,
    firstReceiveTimestamp: number | undefined,
  ): void;
  updateMessageReady(messageId: string): void;
  loadSqsAndSns(sqsStore: FauxqsSqsStore, snsStore: object): void;
  close(): void;
}

export type DlqResolver = (arn: string) => FauxqsQueue | undefined;

export interface FauxqsQueue {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly inflightMessages: Map<string, FauxqsInflight>;
  readonly fifoMessages: Map<string, FauxqsMessage[]>;
  readonly fifoLockedGroups: Map<string, number>;
  persistence?: FauxqsPersistence;
  isFifo(): boolean;
  enqueue(message: FauxqsMessage): void;
  dequeue(maxCount: number, visibilityTimeout?: number, dlq?: DlqResolver): FauxqsReceived[];
  changeVisibility(receiptHandle: string, timeoutSeconds: number): void;
  processTimers(): void;
  notifyWaiters(): void;
}

export interface FauxqsSqsStore {
  persistence?: FauxqsPersistence;
  createQueue(name: string, url: string, arn: string, ...rest: unknown[]): FauxqsQueue;
  allQueues(): Iterable<FauxqsQueue>;
}

export interface FauxqsInternals {
  readonly SqsStore: new () => FauxqsSqsStore;
  readonly SnsStore: new () => { persistence?: FauxqsPersistence };
  readonly S3Store: new () => object;
  readonly PersistenceManager: new (dataDir: string) => FauxqsPersistence;
  /** fauxqs's error class: what its router turns into an AWS error response. */
  readonly SqsError: new (
    code: string,
    message: string,
    statusCode?: number,
  ) => Error;
}

/**
 * fauxqs's SQLite persistence in `dir`. Its `updateMessageReady` (a message made visible again) writes
 * NULL into the NOT NULL receive count and throws; this one clears only the in-flight columns.
 */
export function openPersistence(internals: FauxqsInternals, dir: string): FauxqsPersistence {
  const persistence = new internals.PersistenceManager(dir) as FauxqsPersistence & {
    readonly db: { prepare(sql: string): { run(...values: unknown[]): unknown } };
  };
  const ready = persistence.db.prepare(
    "UPDATE sqs_messages SET receipt_handle = NULL, visibility_deadline = NULL WHERE message_id = ?",
  );
  persistence.updateMessageReady = (messageId) => {
    ready.run(messageId);
  };
  return persistence;
}

let loaded: Promise<FauxqsInternals> | undefined;

export function fauxqsInternals(): Promise<FauxqsInternals> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<FauxqsInternals> {
  const entry = import.meta.resolve("fauxqs");
  const from = async (file: string) => (await import(new URL(file, entry).href)) as Record<string, unknown>;
  const [sqs, sns, s3, persistence, errors] = await Promise.all([
    from("./sqs/sqsStore.js"),
    from("./sns/snsStore.js"),
    from("./s3/s3Store.js"),
    from("./persistence.js"),
    from("./common/errors.js"),
  ]);
  const internals = {
    SqsStore: sqs.SqsStore,
    SnsStore: sns.SnsStore,
    S3Store: s3.S3Store,
    PersistenceManager: persistence.PersistenceManager,
    SqsError: errors.SqsError,
  };
  const queueMethods = ["dequeue", "changeVisibility", "processTimers", "notifyWaiters", "enqueue"];
  const queuePrototype = (sqs.SqsQueue as { prototype?: Record<string, unknown> } | undefined)?.prototype;
  const missing = [
    ...Object.entries(internals)
      .filter(([, value]) => typeof value !== "function")
      .map(([name]) => name),
    ...queueMethods.filter((m) => typeof queuePrototype?.[m] !== "function").map((m) => `SqsQueue.${m}`),
  ];
  if (missing.length > 0)
    throw new Error(
      `the installed fauxqs does not have what the local SQS builds on (${missing.join(", ")}); install the version packages/local/package.json names`,
    );
  return internals as unknown as FauxqsInternals;
}
