import { Headers, type JunctionClient, matchPattern } from "@junction/sdk";
import { DLQ_STREAM, readDeadLetter, type StoredDeadLetter } from "@junction/sdk/jetstream";
import type { LoadedConfig } from "../../config/load.ts";
import type { TargetSender } from "../../targets/delivery.ts";
import type { AwsService } from "../../targets/index.ts";
import { createMessageScope, type RouteMessage } from "../../targets/message.ts";

export interface DeadLetterFilter {
  /** Only this bridge route's. */
  readonly route?: string;
  /** Only this SDK worker's (its durable). */
  readonly worker?: string;
  readonly limit?: number;
}

/**
 * Dead letters of every writer (bridge routes, SDK workers), oldest first. One ordered consumer reads
 * the stream in batches: no round trip per stored letter, and no durable consumer is disturbed.
 */
export async function listDeadLetters(
  client: JunctionClient,
  options: DeadLetterFilter = {},
): Promise<StoredDeadLetter[]> {
  const js = client.jetstream();
  const info = await (await js.manager()).streams.info(DLQ_STREAM).catch(() => undefined);
  if (info === undefined || info.state.messages === 0) return [];
  const letters: StoredDeadLetter[] = [];
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const wanted = (l: StoredDeadLetter) =>
    (options.route === undefined || ("route" in l.origin && l.origin.route === options.route)) &&
    (options.worker === undefined || ("worker" in l.origin && l.origin.worker === options.worker));
  const reader = await js.js.consumers.get(DLQ_STREAM);
  const iter = await reader.consume({ max_messages: 256 });
  try {
    for await (const m of iter) {
      const letter = readDeadLetter({ data: m.data, headers: m.headers, seq: m.seq, time: m.time });
      if (wanted(letter)) letters.push(letter);
      // Read up to what the stream held when we looked: letters arriving meanwhile wait for the next list.
      if (letters.length >= limit || m.seq >= info.state.last_seq || m.info.pending === 0) break;
    }
  } finally {
    iter.stop();
  }
  return letters;
}

export async function getDeadLetter(
  client: JunctionClient,
  dlqSeq: number,
): Promise<StoredDeadLetter | undefined> {
  const jsm = await client.jetstream().manager();
  const stored = await jsm.streams.getMessage(DLQ_STREAM, { seq: dlqSeq }).catch(() => undefined);
  return !stored
    ? undefined
    : readDeadLetter({ data: stored.data, headers: stored.header, seq: dlqSeq, time: stored.time });
}

export type RedriveResult = { readonly letter: StoredDeadLetter } & (
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string }
);

/**
 * Delivers dead letters again and deletes each one that is delivered: a route's to the one target that
 * failed, mapped with the CURRENT config (so a fixed config fixes them); an SDK worker's back into its
 * stream, on its original subject (its worker takes it as a new message: derived from the original,
 * same correlation id). A letter whose route or target no longer exists, or that fails again, stays in
 * the DLQ with the reason reported.
 */
export async function redriveDeadLetters(
  letters: readonly StoredDeadLetter[],
  deps: {
    readonly client: JunctionClient;
    readonly loaded: LoadedConfig;
    readonly senderFor: (service: AwsService) => TargetSender;
    readonly onResult?: (result: RedriveResult, done: number) => void;
  },
): Promise<RedriveResult[]> {
  const jsm = await deps.client.jetstream().manager();
  const results: RedriveResult[] = [];
  for (const letter of letters) {
    const result =
      "worker" in letter.origin ? await republish(letter, deps.client) : await redriveOne(letter, deps);
    if (result.ok && letter.dlqSeq !== undefined)
      await jsm.streams.deleteMessage(DLQ_STREAM, letter.dlqSeq, false);
    results.push(result);
    deps.onResult?.(result, results.length);
  }
  return results;
}

/** Identity headers of the original: the republished copy gets its own, derived from them. */
const IDENTITY_HEADERS = new Set(
  [Headers.MsgId, Headers.CorrelationId, Headers.CausationId].map((h) => h.toLowerCase()),
);

async function republish(letter: StoredDeadLetter, client: JunctionClient): Promise<RedriveResult> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(letter.headers))
    if (!IDENTITY_HEADERS.has(k.toLowerCase())) headers[k] = v;
  try {
    await client.jetstream().publish(letter.subject, letter.data, {
      // One copy per dead letter, however often a redrive of it is retried.
      id: `redrive:${letter.dlqSeq ?? letter.messageId}:${letter.messageId}`,
      causedBy: {
        id: letter.messageId,
        correlationId: letter.headers[Headers.CorrelationId] ?? letter.messageId,
      },
      headers,
    });
    return { letter, ok: true };
  } catch (err) {
    return { letter, ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

async function redriveOne(
  letter: StoredDeadLetter,
  deps: { readonly loaded: LoadedConfig; readonly senderFor: (service: AwsService) => TargetSender },
): Promise<RedriveResult> {
  if ("worker" in letter.origin) throw new Error("a worker's dead letter has no target");
  const { route: routeName, target: targetName } = letter.origin;
  const route = deps.loaded.routes.routes.find((r) => r.name === routeName);
  if (route === undefined)
    return { letter, ok: false, reason: `route "${routeName}" is no longer in the config` };
  const index = Number(/#(\d+)$/.exec(targetName)?.[1] ?? Number.NaN);
  const target = route.targets[index];
  if (target === undefined) {
    return {
      letter,
      ok: false,
      reason: `target "${targetName}" of route "${route.name}" cannot be redriven`,
    };
  }
  const captures = matchPattern(route.pattern, letter.subject);
  if (captures === undefined)
    return { letter, ok: false, reason: `"${letter.subject}" no longer matches the route` };
  const message: RouteMessage = {
    subject: letter.subject,
    data: letter.data,
    headers: letter.headers,
    id: letter.messageId,
    correlationId: letter.headers[Headers.CorrelationId] ?? letter.messageId,
    causationId: letter.headers[Headers.CausationId],
    seq: letter.seq,
    time: letter.time,
  };
  try {
    const request = target.map(createMessageScope(message, captures), message);
    const [outcome] = await deps.senderFor(target.service).send([request]);
    if (outcome?.ok) return { letter, ok: true };
    return { letter, ok: false, reason: outcome?.error.message ?? "no outcome" };
  } catch (err) {
    return { letter, ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
