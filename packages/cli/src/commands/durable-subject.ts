import type { JunctionConfig } from "@junction/bridge";
import { matchPattern, parsePattern } from "@junction/sdk";

/** What stores a subject in JetStream, so that a plain request there is answered by a PubAck. */
export interface DurableSubject {
  readonly stream: string;
  /** The durable operation (`operations:`) whose subject it is, if any. */
  readonly operation?: string;
}

/** The durable operation or stream that captures `subject` in this config, if any. */
export function durableSubjectOf(config: JunctionConfig, subject: string): DurableSubject | undefined {
  const matches = (pattern: string) => {
    try {
      return matchPattern(parsePattern(pattern), subject) !== undefined;
    } catch {
      return false; // the config's own checks report bad patterns
    }
  };
  const operation = config.operations.find((op) => op.kind === "durable" && matches(op.subject));
  if (operation?.stream !== undefined) return { stream: operation.stream, operation: operation.name };
  const stream = config.streams.find((s) => s.subjects.some(matches));
  return stream === undefined ? undefined : { stream: stream.name };
}

/** A reply that is a JetStream PubAck (`{"stream":…,"seq":…}`): the subject was stored, not answered. */
export function pubAckStream(data: Uint8Array): string | undefined {
  try {
    const value = JSON.parse(new TextDecoder().decode(data)) as Record<string, unknown>;
    return typeof value.stream === "string" && typeof value.seq === "number" ? value.stream : undefined;
  } catch {
    return undefined;
  }
}
