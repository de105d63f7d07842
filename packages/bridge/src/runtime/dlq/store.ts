import { Headers, type JunctionClient, matchPattern } from "@junction/sdk";
import type { LoadedConfig } from "../../config/load.ts";
import type { TargetSender } from "../../targets/delivery.ts";
import type { AwsService } from "../../targets/index.ts";
import { createMessageScope, type RouteMessage } from "../../targets/message.ts";
import { type DeadLetter, DLQ_STREAM, readDeadLetter } from "./format.ts";

/**
 * Dead letters, oldest first, optionally of one route. Reads by sequence (direct get), which every
 * server version supports and which does not disturb any consumer.
 */
export async function listDeadLetters(
  client: JunctionClient,
  options: { readonly route?: string; readonly limit?: number } = {},
): Promise<DeadLetter[]> {
  const jsm = await client.jetstream().manager();
  const info = await jsm.streams.info(DLQ_STREAM).catch(() => undefined);
  if (info === undefined || info.state.messages === 0) return [];
  const letters: DeadLetter[] = [];
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && letters.length < limit; seq++) {
    const stored = await jsm.streams.getMessage(DLQ_STREAM, { seq }).catch(() => undefined);
    if (!stored) continue; // deleted (redriven) or purged
    const letter = readDeadLetter({ data: stored.data, headers: stored.header, seq });
    if (options.route === undefined || letter.route === options.route) letters.push(letter);
  }
  return letters;
}

export async function getDeadLetter(client: JunctionClient, dlqSeq: number): Promise<DeadLetter | undefined> {
  const jsm = await client.jetstream().manager();
  const stored = await jsm.streams.getMessage(DLQ_STREAM, { seq: dlqSeq }).catch(() => undefined);
  return !stored ? undefined : readDeadLetter({ data: stored.data, headers: stored.header, seq: dlqSeq });
}

export type RedriveResult = { readonly letter: DeadLetter } & (
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string }
);

/**
 * Delivers dead letters again, each to the one target that failed, mapped with the CURRENT config (so a
 * fixed config fixes them), and deletes each one that is delivered. A letter whose route or target no
 * longer exists, or that fails again, stays in the DLQ with the reason reported.
 */
export async function redriveDeadLetters(
  letters: readonly DeadLetter[],
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
    const result = await redriveOne(letter, deps);
    if (result.ok && letter.dlqSeq !== undefined)
      await jsm.streams.deleteMessage(DLQ_STREAM, letter.dlqSeq, false);
    results.push(result);
    deps.onResult?.(result, results.length);
  }
  return results;
}

async function redriveOne(
  letter: DeadLetter,
  deps: { readonly loaded: LoadedConfig; readonly senderFor: (service: AwsService) => TargetSender },
): Promise<RedriveResult> {
  const route = deps.loaded.routes.routes.find((r) => r.name === letter.route);
  if (route === undefined)
    return { letter, ok: false, reason: `route "${letter.route}" is no longer in the config` };
  const index = Number(/#(\d+)$/.exec(letter.target)?.[1] ?? Number.NaN);
  const target = route.targets[index];
  if (target === undefined) {
    return {
      letter,
      ok: false,
      reason: `target "${letter.target}" of route "${route.name}" cannot be redriven`,
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
