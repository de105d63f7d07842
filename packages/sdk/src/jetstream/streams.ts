import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerInfo,
  DeliverPolicy,
  JetStreamApiError,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/nats-core";
import { isNotFound, toJetStreamError } from "../errors/jetstream.ts";

/** A stream's config: `name` and `subjects` plus any nats.js `StreamConfig` field (durations in nanoseconds). */
export type StreamSpec = Partial<StreamConfig> & { readonly name: string; readonly subjects: string[] };

// "stream name already in use": someone created it between our lookup and our add.
const STREAM_NAME_IN_USE = 10058;

/**
 * Creates the stream, or updates it to `spec` when it exists with different settings (unless
 * `update: false`). Idempotent and safe to race: used by tests, workers (DLQ) and `junction provision`.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  spec: StreamSpec,
  options: { readonly update?: boolean } = {},
): Promise<StreamInfo> {
  try {
    let info: StreamInfo;
    try {
      info = await jsm.streams.info(spec.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        return await jsm.streams.add(spec);
      } catch (addErr) {
        if (!(addErr instanceof JetStreamApiError && addErr.code === STREAM_NAME_IN_USE)) throw addErr;
        info = await jsm.streams.info(spec.name);
      }
    }
    if (options.update === false || sameConfig(info.config, spec)) return info;
    return await jsm.streams.update(spec.name, { ...info.config, ...spec });
  } catch (err) {
    throw toJetStreamError(err, spec.name);
  }
}

export interface DurableSpec {
  readonly stream: string;
  readonly durable: string;
  readonly ackWaitMs: number;
  readonly maxDeliver: number;
  readonly filterSubject?: string | undefined;
  readonly maxAckPending?: number | undefined;
  /**
   * Where a new consumer starts (default `all`): every message, only new ones, or at a stream sequence
   * (to continue where another consumer stopped). A consumer's start cannot change once created.
   */
  readonly startAt?: "all" | "new" | { readonly sequence: number } | undefined;
}

/**
 * Creates the durable pull consumer with explicit acks, or updates the settings that can change
 * (ack wait, max deliver, max ack pending). One `filter_subject` only: arrays need nats-server 2.10.
 */
export async function ensureConsumer(jsm: JetStreamManager, spec: DurableSpec): Promise<ConsumerInfo> {
  const mutable: Partial<ConsumerConfig> = {
    ack_wait: nanos(spec.ackWaitMs),
    max_deliver: spec.maxDeliver,
    ...(spec.maxAckPending === undefined ? {} : { max_ack_pending: spec.maxAckPending }),
  };
  try {
    let info: ConsumerInfo;
    try {
      info = await jsm.consumers.info(spec.stream, spec.durable);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return await jsm.consumers.add(spec.stream, {
        ...mutable,
        durable_name: spec.durable,
        ack_policy: AckPolicy.Explicit,
        ...startOf(spec.startAt),
        ...(spec.filterSubject === undefined ? {} : { filter_subject: spec.filterSubject }),
      });
    }
    const wanted = spec.filterSubject === undefined ? {} : { filter_subject: spec.filterSubject };
    if (sameConfig(info.config, { ...mutable, ...wanted })) return info;
    return await jsm.consumers.update(spec.stream, spec.durable, { ...mutable, ...wanted });
  } catch (err) {
    throw toJetStreamError(err, spec.stream);
  }
}

function startOf(at: DurableSpec["startAt"]): Partial<ConsumerConfig> {
  if (at === "new") return { deliver_policy: DeliverPolicy.New };
  if (typeof at === "object")
    return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: at.sequence };
  return {};
}

// True when every field asked for already has that value (the server fills in the rest).
function sameConfig(actual: object, wanted: object): boolean {
  const have = actual as Record<string, unknown>;
  return Object.entries(wanted).every(([k, v]) => JSON.stringify(have[k]) === JSON.stringify(v));
}

/** Whether the connected server is at least `major.minor` (nats.js gates some features, not all). */
export function serverAtLeast(version: string | undefined, major: number, minor: number): boolean {
  const [ma = 0, mi = 0] = (version ?? "0.0").split(".").map((p) => Number.parseInt(p, 10));
  return ma > major || (ma === major && mi >= minor);
}
