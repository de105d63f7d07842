import { CreateTableCommand, DeleteItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import type { ConformanceFixture } from "../../testdata/conformance.ts";

export const fixture: ConformanceFixture = {
  entry: (table) =>
    `{ type: dynamodb, table: ${table}, key: { id: "{$json.n}" }, item: { payload: "{$data}" } }`,
  batchCommand: "BatchWriteItemCommand",
  async create(local, table) {
    await local.clients.dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  },
  async arrived(local, table) {
    const { dynamodb } = local.clients;
    const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: table }));
    const ids = Items.map((item) => item.id?.S ?? "");
    for (const id of ids)
      await dynamodb.send(new DeleteItemCommand({ TableName: table, Key: { id: { S: id } } }));
    return ids;
  },
};
