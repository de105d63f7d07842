import { DLQ_STREAM, DLQ_SUBJECT_PREFIX, type JunctionJetStream } from "@junction/sdk/jetstream";
import { durationMs } from "../../config/duration.ts";
import type { JunctionConfig } from "../../config/schema.ts";

const nanos = (ms: number) => ms * 1_000_000;

/** The config's `dlq:` limits as stream settings (only those it sets). */
function retention(dlq: JunctionConfig["dlq"]) {
  return {
    ...(dlq.maxAge === undefined ? {} : { max_age: nanos(durationMs(dlq.maxAge)) }),
    ...(dlq.maxMsgs === undefined ? {} : { max_msgs: dlq.maxMsgs }),
    ...(dlq.maxBytes === undefined ? {} : { max_bytes: dlq.maxBytes }),
  };
}

/**
 * Creates `JUNCTION_DLQ` (subjects `junction.dlq.>`, the format is the SDK's) if missing, with the
 * config's retention. An existing stream gets the limits the config sets and keeps everything else,
 * so an operator's tuning survives a config that says nothing.
 */
export async function ensureDlqStream(
  js: JunctionJetStream,
  options: { readonly replicas: number; readonly dlq: JunctionConfig["dlq"] },
): Promise<void> {
  const limits = retention(options.dlq);
  await js.ensureStream(
    { name: DLQ_STREAM, subjects: [`${DLQ_SUBJECT_PREFIX}.>`], num_replicas: options.replicas, ...limits },
    { update: false },
  );
  if (Object.keys(limits).length === 0) return;
  const jsm = await js.manager();
  const info = await jsm.streams.info(DLQ_STREAM);
  const current = info.config as unknown as Record<string, unknown>;
  if (Object.entries(limits).some(([k, v]) => current[k] !== v))
    await jsm.streams.update(DLQ_STREAM, { ...info.config, ...limits });
}
