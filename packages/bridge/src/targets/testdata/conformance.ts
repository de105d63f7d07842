import type { LocalTargets } from "./local.ts";

/**
 * What the conformance suite (targets/conformance.test.ts) needs from one target, beyond its
 * definition: `targets/<type>/testdata/conformance.ts` exports it as `fixture`.
 *
 * Messages are JSON objects `{ "n": "<id>", … }`; the entry must read `{$json.n}` (so a payload without
 * it cannot be mapped) and carry the whole payload (so an oversized payload makes an oversized request).
 */
export interface ConformanceFixture {
  /** The `to:` entry, as a YAML flow map, sending to `resource`. */
  entry(resource: string): string;
  /**
   * An entry whose requests AWS refuses one by one, for messages `{ "n": …, "empty": "" }`. Default:
   * `entry` for a resource that does not exist.
   */
  refused?(resource: string): string;
  /** The AWS command one batch of requests goes in, as counted (`SendMessageBatchCommand`). */
  readonly batchCommand: string;
  /** Lambda functions the local endpoint must serve for `resource` (handlers written into `dir`). */
  functions?(dir: string, resource: string): Record<string, { handler: string }>;
  /** Creates `resource` on the local endpoint. */
  create(local: LocalTargets, resource: string): Promise<void>;
  /** The `n` of messages that arrived at `resource` since the last call. */
  arrived(local: LocalTargets, resource: string): Promise<string[]>;
}
