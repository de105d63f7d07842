// One bridge process of `junction bench fleet`: `junction run`'s bridge for the config it is given,
// started on "go".
import { createAwsClients, loadConfig } from "@junction/bridge";
import { connect } from "@junction/sdk";
import { startBridge } from "junction/bench-support";
import pino from "pino";
import { Registry } from "prom-client";
import { serveWorker } from "./worker-process.ts";

export interface FleetWorkerSetup {
  readonly natsUrl: string;
  readonly awsUrl: string;
  /** The whole junction.yaml. */
  readonly config: string;
}

serveWorker<FleetWorkerSetup>(async (s, fail) => {
  const loaded = loadConfig(s.config, { env: {} });
  const client = await connect(s.natsUrl);
  const aws = createAwsClients({ region: "us-east-1", url: s.awsUrl });
  const logger = pino({ level: "warn" }, pino.destination(2));
  return {
    start: () => {
      void startBridge(loaded, { client, aws, logger, registry: new Registry() }).catch(fail);
    },
  };
});
