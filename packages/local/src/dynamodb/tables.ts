import type { ServerResponse } from "node:http";
import { type AwsRequest, AwsRequestError, type LocalService, sendAwsError } from "../aws/index.ts";
import type { DynamoDbEmulator, DynamoDbExchange } from "../edge/emulators.ts";
import { type Item, type KeySchema, type Stream, StreamStore } from "./stream-store.ts";

const JSON_TYPE = "application/x-amz-json-1.0";
type Input = Record<string, unknown>;

/** The operations dynalite serves (its `validOperations`); others are refused naming the operation. */
const SERVED = new Set([
  "BatchGetItem",
  "BatchWriteItem",
  "CreateTable",
  "DeleteItem",
  "DeleteTable",
  "DescribeTable",
  "DescribeTimeToLive",
  "GetItem",
  "ListTables",
  "PutItem",
  "Query",
  "Scan",
  "TagResource",
  "UntagResource",
  "ListTagsOfResource",
  "UpdateItem",
  "UpdateTable",
]);

/**
 * The DynamoDB API at the edge: dynalite answers, and the edge adds what it lacks, DynamoDB Streams.
 * `StreamSpecification` on CreateTable / UpdateTable makes a stream (shown by DescribeTable as
 * `LatestStreamArn`); writes to a table with a stream record the item before and after. A table's
 * writes are serialised while it has a stream, so the images read around each write are its own.
 */
export function createLocalDynamoDb(
  emulator: DynamoDbEmulator,
  streams: StreamStore,
  /** Called when a stream is made or ended (to keep the stream settings of a persisted stack). */
  onStreamsChanged: () => void = () => {},
): LocalService {
  const locks = new Map<string, Promise<unknown>>();
  const locked = async <T>(tables: readonly string[], run: () => Promise<T>): Promise<T> => {
    const previous = tables.map((t) => locks.get(t));
    const done = Promise.all(previous).then(run);
    const settled = done.catch(() => undefined);
    for (const t of tables) locks.set(t, settled);
    try {
      return await done;
    } finally {
      for (const t of tables) if (locks.get(t) === settled) locks.delete(t);
    }
  };

  const currentItem = async (table: string, key: Item): Promise<Item | undefined> => {
    const { status, body } = await emulator.call("GetItem", {
      TableName: table,
      Key: key,
      ConsistentRead: true,
    });
    return status === 200 ? (body.Item as Item | undefined) : undefined;
  };

  /** Runs a write, recording each changed item of a table with a stream. */
  const recordedWrite = async (
    req: AwsRequest,
    res: ServerResponse,
    writes: readonly { stream: Stream; key: Item }[],
  ) => {
    const answer = await locked([...new Set(writes.map((w) => w.stream.table))].sort(), async () => {
      const before = await Promise.all(writes.map((w) => currentItem(w.stream.table, w.key)));
      const answer = await emulator.exchange(req);
      if (answer.status === 200) {
        const after = await Promise.all(writes.map((w) => currentItem(w.stream.table, w.key)));
        for (const [i, w] of writes.entries()) streams.record(w.stream, w.key, before[i], after[i]);
      }
      return answer;
    });
    send(res, answer);
  };

  const withStream = (description: Input, table: string): Input => {
    const stream = streams.latest(table);
    if (stream === undefined) return description;
    return {
      ...description,
      StreamSpecification: stream.enabled
        ? { StreamEnabled: true, StreamViewType: stream.viewType }
        : { StreamEnabled: false },
      LatestStreamArn: stream.arn,
      LatestStreamLabel: stream.label,
    };
  };

  /** Applies a StreamSpecification to a table that exists (per DescribeTable's answer). */
  const applySpecification = (table: string, spec: Input, keySchema: KeySchema) => {
    if (spec.StreamEnabled === true)
      streams.enable(table, StreamStore.checkViewType(spec.StreamViewType), keySchema);
    else streams.disable(table);
    onStreamsChanged();
  };

  const describe = (table: unknown) => emulator.call("DescribeTable", { TableName: table });

  const operations: Record<string, (req: AwsRequest, input: Input, res: ServerResponse) => Promise<void>> = {
    async CreateTable(req, input, res) {
      const spec = input.StreamSpecification as Input | undefined;
      if (spec?.StreamEnabled === true) StreamStore.checkViewType(spec.StreamViewType);
      const { StreamSpecification: _, ...rest } = input;
      const answer = await emulator.exchange(withBody(req, rest));
      if (answer.status !== 200 || spec?.StreamEnabled !== true) return send(res, answer);
      const table = String(input.TableName);
      applySpecification(table, spec, input.KeySchema as KeySchema);
      const body = JSON.parse(answer.text) as { TableDescription: Input };
      sendBody(res, answer, { TableDescription: withStream(body.TableDescription, table) });
    },
    async UpdateTable(req, input, res) {
      const spec = input.StreamSpecification as Input | undefined;
      if (spec === undefined) return send(res, await emulator.exchange(req));
      const table = String(input.TableName);
      const { StreamSpecification: _, ...rest } = input;
      const onlyStream = Object.keys(rest).every((k) => k === "TableName");
      // Checked before anything changes, so a refused update changes nothing.
      if (spec.StreamEnabled === true) StreamStore.checkViewType(spec.StreamViewType);
      if ((spec.StreamEnabled === true) === (streams.enabledFor(table) !== undefined))
        throw new AwsRequestError(
          "ValidationException",
          spec.StreamEnabled === true
            ? `Table already has an enabled stream: ${table}`
            : `Table ${table} does not have an enabled stream`,
        );
      const described = await describe(table);
      if (described.status !== 200)
        return sendAwsError(
          res,
          described.status,
          String(described.body.__type).replace(/^.*#/, ""),
          String(described.body.message ?? ""),
          JSON_TYPE,
        );
      let answer: DynamoDbExchange | undefined;
      if (!onlyStream) {
        answer = await emulator.exchange(withBody(req, rest));
        if (answer.status !== 200) return send(res, answer);
      }
      const description = (described.body.Table ?? {}) as Input;
      applySpecification(table, spec, description.KeySchema as KeySchema);
      const updated =
        answer === undefined
          ? description
          : (JSON.parse(answer.text) as { TableDescription: Input }).TableDescription;
      sendBody(res, answer, { TableDescription: withStream(updated, table) });
    },
    async DescribeTable(req, input, res) {
      const answer = await emulator.exchange(req);
      if (answer.status !== 200 || streams.latest(String(input.TableName)) === undefined)
        return send(res, answer);
      const body = JSON.parse(answer.text) as { Table: Input };
      sendBody(res, answer, { Table: withStream(body.Table, String(input.TableName)) });
    },
    async DeleteTable(req, input, res) {
      const answer = await emulator.exchange(req);
      const table = String(input.TableName);
      if (answer.status === 200 && streams.enabledFor(table) !== undefined) {
        streams.disable(table);
        onStreamsChanged();
      }
      send(res, answer);
    },
    async PutItem(req, input, res) {
      const stream = streams.enabledFor(String(input.TableName));
      if (stream === undefined) return emulator.handle(req, res);
      await recordedWrite(req, res, [{ stream, key: keyOf(stream.keySchema, input.Item as Item) }]);
    },
    async UpdateItem(req, input, res) {
      const stream = streams.enabledFor(String(input.TableName));
      if (stream === undefined) return emulator.handle(req, res);
      await recordedWrite(req, res, [{ stream, key: input.Key as Item }]);
    },
    async BatchWriteItem(req, input, res) {
      const writes: { stream: Stream; key: Item }[] = [];
      for (const [table, requests] of Object.entries((input.RequestItems ?? {}) as Record<string, Input[]>)) {
        const stream = streams.enabledFor(table);
        if (stream === undefined || !Array.isArray(requests)) continue;
        for (const r of requests) {
          const put = r.PutRequest as { Item?: Item } | undefined;
          const del = r.DeleteRequest as { Key?: Item } | undefined;
          const key = put?.Item !== undefined ? keyOf(stream.keySchema, put.Item) : del?.Key;
          if (key !== undefined) writes.push({ stream, key });
        }
      }
      if (writes.length === 0) return emulator.handle(req, res);
      await recordedWrite(req, res, writes);
    },
  };
  operations.DeleteItem = operations.UpdateItem as (typeof operations)["UpdateItem"];

  return {
    async handle(req: AwsRequest, res: ServerResponse) {
      const target = String(req.headers["x-amz-target"] ?? "");
      const name = target.slice(target.indexOf(".") + 1);
      if (!SERVED.has(name))
        return sendAwsError(
          res,
          400,
          "UnknownOperationException",
          `the local DynamoDB (dynalite) does not serve ${name} (no transactions, PartiQL, TTL updates, backups or global tables)`,
          JSON_TYPE,
        );
      const operation = operations[name];
      if (operation === undefined) return emulator.handle(req, res);
      let input: Input;
      try {
        input = JSON.parse(req.body.toString("utf8")) as Input;
      } catch {
        return emulator.handle(req, res); // dynalite reports it
      }
      try {
        await operation(req, input, res);
      } catch (err) {
        if (err instanceof AwsRequestError)
          return sendAwsError(res, err.status, err.type, err.message, JSON_TYPE);
        throw err;
      }
    },
  };
}

function keyOf(schema: KeySchema, item: Item | undefined): Item {
  return Object.fromEntries(schema.map(({ AttributeName }) => [AttributeName, item?.[AttributeName]]));
}

function withBody(req: AwsRequest, input: Input): AwsRequest {
  return { ...req, body: Buffer.from(JSON.stringify(input)) };
}

function send(res: ServerResponse, answer: DynamoDbExchange): void {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.text);
}

/** An answer with a body of the edge's making (its checksum no longer applies). */
function sendBody(res: ServerResponse, answer: DynamoDbExchange | undefined, body: unknown): void {
  const text = JSON.stringify(body);
  const {
    "x-amz-crc32": _,
    "content-length": __,
    ...headers
  } = answer?.headers ?? { "content-type": JSON_TYPE };
  res.writeHead(200, { ...headers, "content-length": Buffer.byteLength(text) });
  res.end(text);
}
