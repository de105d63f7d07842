import { PubHeaders } from "@nats-io/jetstream";
import { Bucket, type KV } from "@nats-io/kv";
import { headers as natsHeaders } from "@nats-io/nats-core";
import type { ClientContext } from "../client/context.ts";

/** What the fast path could not decide: the caller takes nats.js's path for it. */
export const UNDECIDED = Symbol("undecided");

/** The latest PUT of a key (raw bytes), null for none or a tombstone, or UNDECIDED. */
export type DirectGet = (
  key: string,
) => Promise<{ data: Uint8Array; revision: number } | null | typeof UNDECIDED>;
/** The new revision, or UNDECIDED (the key exists, or anything unusual). */
export type DirectCreate = (key: string, data: Uint8Array) => Promise<number | typeof UNDECIDED>;

/**
 * `get` and `create` of a plain bucket over the client's reply mux. nats.js's are core requests that
 * build two Errors with captured stacks per call even on success, plus a timer and promises, and a
 * durable worker makes one of each per command (its outcome lookup and store). Only the common case
 * is taken here: a bucket of this account (no mirror, no JetStream domain) read by direct get, a key
 * found or not, a create that succeeds. Everything else — a tombstone to write over, a conflict, an
 * error status — is answered UNDECIDED, and the caller asks nats.js, whose answer and errors then
 * count. Undefined when the bucket is not such a plain one.
 */
export function directAccess(
  ctx: ClientContext,
  kv: KV,
  timeoutMs: number,
): { get: DirectGet; create: DirectCreate } | undefined {
  // `editPrefix` is set only for a mirror, whose keys live under its origin's subjects.
  if (!(kv instanceof Bucket) || !kv.direct || kv.useJsPrefix || kv.editPrefix !== "") return undefined;
  const stream = kv.bucketName();
  const prefix = kv.prefix;
  const empty = new Uint8Array(0);
  const request = (subject: string, payload: Uint8Array, h = natsHeaders()) =>
    ctx.replies.request({ subject, payload, headers: h, waitMs: timeoutMs, reportMs: timeoutMs });

  const get: DirectGet = async (key) => {
    const msg = await request(`$JS.API.DIRECT.GET.${stream}.${prefix}.${key}`, empty);
    const h = msg.headers;
    if (h?.code === 404) return null; // no message for the key
    if (h === undefined || h.code !== 0) return UNDECIDED;
    const op = h.get("KV-Operation");
    if (op === "DEL" || op === "PURGE") return null;
    return { data: msg.data, revision: Number(h.get("Nats-Sequence")) };
  };

  const create: DirectCreate = async (key, data) => {
    const h = natsHeaders();
    h.set(PubHeaders.ExpectedLastSubjectSequenceHdr, "0");
    const msg = await request(`${prefix}.${key}`, data, h);
    if (msg.data.length === 0) return UNDECIDED; // a status (no stream …): nats.js names it
    const ack = msg.json<{ seq?: number; error?: unknown }>();
    return ack.error === undefined && typeof ack.seq === "number" ? ack.seq : UNDECIDED;
  };

  return { get, create };
}
