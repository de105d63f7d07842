import {
  type AttributeValue,
  type DynamoDBClient,
  PutItemCommand,
  type PutItemCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import type { BatchCalls } from "../../aws/batch-calls.ts";
import { awsCall } from "../../aws/call-span.ts";
import { callOptions, chunk, DELIVERED, failed, type Limiter } from "../batching.ts";
import { classifyError, isMissingResource } from "../classify.ts";
import { DeliveryError, DeliveryErrorCode, type DeliveryOutcome, type TargetSender } from "../delivery.ts";
import type { TargetRequest } from "../types.ts";
import { itemBytes, MAX_CALL_BYTES, MAX_ITEMS_PER_CALL, type PutItem, writeChunk } from "./batch-write.ts";
import { createKeySchemas, keyIdentity, missingTable } from "./keys.ts";

/**
 * UpdateItem and PutItem, one call per message, except plain puts (no condition, nothing but the
 * item), which go in BatchWriteItem calls of up to 25 per table. Calls run in parallel (bounded), in
 * "waves": the n-th request for one item (table + key) goes in wave n, and a wave starts once the
 * previous one has settled. So requests for the same item keep their order, and no BatchWriteItem
 * holds one key twice. Needs each put table's key schema (DescribeTable, cached); when that is not
 * allowed or fails transiently, the table's puts go one by one, in parallel, without that ordering.
 */
export function createDynamoDbSender(
  client: DynamoDBClient,
  calls: BatchCalls,
  limit: Limiter,
): TargetSender {
  const schemas = createKeySchemas(client, limit);

  return {
    async send(requests, signal) {
      const outcomes: DeliveryOutcome[] = new Array(requests.length);
      const keyNames = new Map<string, readonly string[]>();
      const missing = new Map<string, DeliveryError>();
      const putTables = new Set(requests.filter((r) => r.operation === "PutItem").map((r) => r.resource));
      await Promise.all(
        [...putTables].map(async (table) => {
          try {
            keyNames.set(table, await schemas.get(table, signal));
          } catch (err) {
            const error = classifyError(err, `DynamoDB table "${table}"`);
            if (isMissingResource(error)) missing.set(table, error);
          }
        }),
      );

      const waves: number[][] = [];
      const seen = new Map<string, number>();
      for (const [i, request] of requests.entries()) {
        const gone = missing.get(request.resource);
        if (gone !== undefined) {
          outcomes[i] = failed(gone);
          continue;
        }
        const id = itemIdentity(request, keyNames);
        const wave = id === undefined ? 0 : (seen.get(id) ?? 0);
        if (id !== undefined) seen.set(id, wave + 1);
        const list = waves[wave];
        if (list === undefined) waves[wave] = [i];
        else list.push(i);
      }

      const single = async (i: number): Promise<DeliveryOutcome> => {
        const request = requests[i] as TargetRequest;
        const table = request.resource;
        const context = `DynamoDB ${request.operation} on table "${table}"`;
        try {
          if (request.operation === "PutItem") {
            const command = new PutItemCommand(request.input as unknown as PutItemCommandInput);
            await limit(() =>
              awsCall("DynamoDB", "PutItem", () => client.send(command, callOptions(signal))),
            );
          } else if (request.operation === "UpdateItem") {
            const command = new UpdateItemCommand(request.input as unknown as UpdateItemCommandInput);
            await limit(() =>
              awsCall("DynamoDB", "UpdateItem", () => client.send(command, callOptions(signal))),
            );
          } else {
            return failed(
              new DeliveryError(DeliveryErrorCode.Rejected, `${context}: unsupported DynamoDB operation`),
            );
          }
          return DELIVERED;
        } catch (err) {
          const error = classifyError(err, context);
          return failed(isMissingResource(error) ? missingTable(table, err) : error);
        }
      };
      const ctx = { calls, limit, signal, putAlone: single };
      const alone = async (i: number) => {
        outcomes[i] = await single(i);
      };

      for (const wave of waves) {
        const tasks: Promise<void>[] = [];
        const puts = new Map<string, PutItem[]>();
        for (const i of wave) {
          const request = requests[i] as TargetRequest;
          if (isPlainPut(request) && keyNames.has(request.resource)) {
            const item = request.input.Item as Record<string, AttributeValue>;
            const list = puts.get(request.resource);
            if (list === undefined) puts.set(request.resource, [{ index: i, item }]);
            else list.push({ index: i, item });
          } else {
            tasks.push(alone(i));
          }
        }
        for (const [table, items] of puts) {
          if (items.length === 1) {
            tasks.push(alone((items[0] as PutItem).index));
            continue;
          }
          const names = keyNames.get(table) as readonly string[];
          for (const call of chunk(items, MAX_ITEMS_PER_CALL, MAX_CALL_BYTES, (p) => itemBytes(p.item))) {
            tasks.push(
              writeChunk(ctx, table, names, call).then((results) => {
                for (const [k, p] of call.entries()) outcomes[p.index] = results[k] as DeliveryOutcome;
              }),
            );
          }
        }
        await Promise.all(tasks);
      }
      return outcomes;
    },
  };
}

/** A put BatchWriteItem can carry: just the table and the item (no condition, no return values). */
function isPlainPut(request: TargetRequest): boolean {
  if (request.operation !== "PutItem") return false;
  return Object.keys(request.input).every((k) => k === "TableName" || k === "Item");
}

/** Which item a request writes, when it can be told: an update's `Key`, a put's key attributes. */
function itemIdentity(
  request: TargetRequest,
  keyNames: ReadonlyMap<string, readonly string[]>,
): string | undefined {
  const { Key, Item } = request.input as {
    Key?: Record<string, AttributeValue>;
    Item?: Record<string, AttributeValue>;
  };
  if (request.operation === "UpdateItem" && Key !== undefined)
    return keyIdentity(request.resource, Object.keys(Key), Key);
  const names = keyNames.get(request.resource);
  if (request.operation === "PutItem" && Item !== undefined && names !== undefined)
    return keyIdentity(request.resource, names, Item);
  return undefined;
}
