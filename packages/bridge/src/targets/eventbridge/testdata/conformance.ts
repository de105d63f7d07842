import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand } from "@aws-sdk/client-sqs";
import { LOCAL_ACCOUNT_ID } from "@junction/local";
import { drainQueue } from "../../sqs/testdata/conformance.ts";
import type { ConformanceFixture } from "../../testdata/conformance.ts";

// Events are read back through a rule that sends everything on the bus to a queue.
const sink = (bus: string) => `${bus}-sink`;

export const fixture: ConformanceFixture = {
  entry: (bus) =>
    `{ type: eventbridge, bus: ${bus}, source: conformance, detailType: Check, detail: { n: "{$json.n}", payload: "{$json}" } }`,
  // PutEvents takes entries for a bus that does not exist (and drops them), but refuses an empty source.
  refused: (bus) =>
    `{ type: eventbridge, bus: ${bus}, source: "{$json.empty}", detailType: Check, detail: { n: "{$json.n}" } }`,
  batchCommand: "PutEventsCommand",
  async create(local, bus) {
    const { sqs, eventbridge } = local.clients;
    await sqs.send(new CreateQueueCommand({ QueueName: sink(bus) }));
    await eventbridge.send(new CreateEventBusCommand({ Name: bus }));
    await eventbridge.send(
      new PutRuleCommand({
        Name: "all",
        EventBusName: bus,
        EventPattern: JSON.stringify({ source: ["conformance"] }),
      }),
    );
    await eventbridge.send(
      new PutTargetsCommand({
        Rule: "all",
        EventBusName: bus,
        Targets: [{ Id: "sink", Arn: `arn:aws:sqs:us-east-1:${LOCAL_ACCOUNT_ID}:${sink(bus)}` }],
      }),
    );
  },
  arrived: (local, bus) =>
    drainQueue(local, sink(bus), (body) => (JSON.parse(body) as { detail: { n: string } }).detail.n),
};
