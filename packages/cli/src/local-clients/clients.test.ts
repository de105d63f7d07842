// One scenario list run by three real AWS clients against a real `junction up`: the AWS SDK for
// JavaScript v3 (JSON protocol), and Debian's AWS CLI (`awscli`) and boto3 (`python3-boto3`), which
// speak SQS's query protocol. The Debian packages must be installed: a missing one fails, naming it.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type JunctionUp, startJunctionUp } from "@junction/testkit";
import { type AwsClient, awsCliClient, boto3Client, sdkV3Client } from "./clients.ts";
import { SCENARIO_FUNCTIONS, SCENARIO_HANDLERS, scenarios } from "./scenarios.ts";

const dir = mkdtempSync(join(tmpdir(), "junction-local-clients-"));
let up: JunctionUp;
let endpoint: string;

before(async () => {
  for (const [file, text] of Object.entries(SCENARIO_HANDLERS)) writeFileSync(join(dir, file), text);
  up = await startJunctionUp(
    `nats: { servers: local }\naws: { endpoint: local }\nlocal: { natsPort: 0, awsPort: 0 }\n${SCENARIO_FUNCTIONS}`,
    { dir },
  );
  endpoint = up.endpoints.aws;
});
after(async () => {
  await up?.stop("SIGTERM");
});

const clients: Record<string, { prefix: string; open: () => Promise<AwsClient> }> = {
  "AWS SDK for JavaScript v3": { prefix: "sdk", open: async () => sdkV3Client(endpoint) },
  "AWS CLI (Debian awscli)": { prefix: "cli", open: () => awsCliClient(endpoint) },
  "boto3 (Debian python3-boto3)": {
    prefix: "boto",
    open: async () => {
      const client = await boto3Client(endpoint);
      // Debian's boto3 predates SQS's JSON protocol: this run is the query protocol's test.
      assert.equal(client.versions.sqsProtocol, "query", JSON.stringify(client.versions));
      return client;
    },
  },
};

for (const [name, { prefix, open }] of Object.entries(clients))
  describe(name, () => {
    let client: AwsClient;
    before(async () => {
      client = await open();
    });
    after(() => client?.close());
    for (const scenario of scenarios) it(scenario.name, () => scenario.run({ client, endpoint, prefix }));
  });
