import type { JunctionClient } from "../connect/client.ts";
import { InvalidOptionError } from "../resilience/errors.ts";
import { deliverReplay, type ReplayTarget } from "./deliver.ts";
import { type Flow, type FlowReadOptions, readFlow } from "./flow.ts";
import { readStream, type StreamReadOptions } from "./read.ts";

export interface ReplayConfig {
  /** The stream(s) to read. A flow is looked for in all; positions and time ranges need one. */
  readonly stream: string | readonly string[];
}

export interface ReplayResult {
  readonly delivered: number;
  /** Messages read to find them. */
  readonly scanned: number;
  /** A read limit was hit: there was more. */
  readonly truncated: boolean;
}

export type RangeOptions = Pick<StreamReadOptions, "filterSubject" | "maxMessages" | "endSeq"> & {
  /** Which of the configured streams (default: the only one). */
  readonly stream?: string;
};

export interface Replay {
  /** One flow by correlation id: its messages in causal order and its causation tree. */
  flow(correlationId: string, options?: FlowReadOptions): Promise<Flow>;
  /** Delivers one flow in causal order: parents before children, siblings in stream order. */
  byCorrelation(
    correlationId: string,
    target: ReplayTarget,
    options?: FlowReadOptions,
  ): Promise<ReplayResult>;
  /** Delivers a stream's messages from `startSeq` (to `endSeq`, or the end) in stream order. */
  fromSequence(startSeq: number, target: ReplayTarget, options?: RangeOptions): Promise<ReplayResult>;
  /** Delivers a stream's messages stored from `start` up to `end` (inclusive) in stream order. */
  timeRange(start: Date, end: Date, target: ReplayTarget, options?: RangeOptions): Promise<ReplayResult>;
}

/** Replay from JetStream (docs/domain-toolkit.md, "Replay"). Works on nats-server 2.9. */
export function createReplay(config: ReplayConfig, deps: { readonly client: JunctionClient }): Replay {
  const streams = typeof config.stream === "string" ? [config.stream] : [...config.stream];
  if (streams.length === 0) throw new InvalidOptionError("replay: name at least one stream");
  const pick = (stream: string | undefined) => {
    if (stream !== undefined) return stream;
    if (streams.length === 1) return streams[0] as string;
    throw new InvalidOptionError(`replay: say which stream to read (${streams.join(", ")})`);
  };
  const range = async (read: StreamReadOptions, target: ReplayTarget): Promise<ReplayResult> => {
    const messages = readStream(deps.client, read);
    const delivered = await deliverReplay(messages, target, deps);
    return { delivered, scanned: messages.scanned, truncated: messages.truncated };
  };
  const rangeOptions = (options: RangeOptions) => ({
    stream: pick(options.stream),
    ...(options.filterSubject === undefined ? {} : { filterSubject: options.filterSubject }),
    ...(options.maxMessages === undefined ? {} : { maxMessages: options.maxMessages }),
    ...(options.endSeq === undefined ? {} : { endSeq: options.endSeq }),
  });

  return {
    flow: (correlationId, options) => readFlow(deps.client, streams, correlationId, options),
    async byCorrelation(correlationId, target, options) {
      const flow = await readFlow(deps.client, streams, correlationId, options);
      const delivered = await deliverReplay(flow.messages, target, deps);
      return { delivered, scanned: flow.scanned, truncated: flow.truncated };
    },
    fromSequence: (startSeq, target, options = {}) => range({ ...rangeOptions(options), startSeq }, target),
    timeRange: async (start, end, target, options = {}) => {
      if (!(end.getTime() >= start.getTime()))
        throw new InvalidOptionError("replay: the range ends before it starts");
      return range({ ...rangeOptions(options), startTime: start, endTime: end }, target);
    },
  };
}
