import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { startLocalAws } from "./local-aws.ts";

const dir = mkdtempSync(join(tmpdir(), "junction-local-aws-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function tablesAfterRestart(persistDir: string | undefined): Promise<string[] | undefined> {
  let tables: string[] | undefined;
  for (const round of [1, 2]) {
    const aws = await startLocalAws({
      port: 0,
      functions: {},
      baseDir: dir,
      ...(persistDir ? { persistDir } : {}),
    });
    const ddb = new DynamoDBClient({
      endpoint: aws.url,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    try {
      if (round === 1) {
        await ddb.send(
          new CreateTableCommand({
            TableName: "kept",
            KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
            AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
            BillingMode: "PAY_PER_REQUEST",
          }),
        );
      } else {
        tables = (await ddb.send(new ListTablesCommand({}))).TableNames;
      }
    } finally {
      ddb.destroy();
      await aws.close();
    }
  }
  return tables;
}

describe("local AWS", () => {
  it("keeps DynamoDB tables across restarts with a persist directory", async () => {
    assert.deepEqual(await tablesAfterRestart(join(dir, "persisted")), ["kept"]);
  });

  it("starts empty again without one", async () => {
    assert.deepEqual(await tablesAfterRestart(undefined), []);
  });
});
