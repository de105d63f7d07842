import { type ReceivedMessage, receivedMessage } from "../client/message.ts";
import type { Codec } from "../codecs/index.ts";
import { jsonCodec } from "../codecs/index.ts";
import type { JunctionClient } from "../connect/client.ts";
import { checkInteger } from "../resilience/errors.ts";
import { parsePattern } from "../subjects/parse.ts";
import { CaptureTimeoutError } from "./errors.ts";

export interface CaptureOptions<T> {
  /** How many messages to wait for. */
  readonly count: number;
  /** From the moment the capture starts; default 5000. */
  readonly timeoutMs?: number;
  /** Only messages passing this count (e.g. one flow's correlation id); others are ignored. */
  readonly filter?: (message: ReceivedMessage<T>) => boolean;
  /** Payload codec for `decode()`; default JSON. */
  readonly codec?: Codec<T>;
}

export interface Capture<T> {
  /** What arrived so far, in arrival order. */
  readonly messages: readonly ReceivedMessage<T>[];
  /** Resolves with exactly `count` messages, or rejects with `CaptureTimeoutError` naming how many came. */
  wait(): Promise<ReceivedMessage<T>[]>;
  /** Stops listening; a pending `wait()` rejects as on a timeout. */
  stop(): void;
}

/**
 * Listens on `pattern` (NATS wildcards or `{name}` captures) and collects messages until `count` have
 * arrived or `timeoutMs` has passed. Resolves once the server knows the subscription, so messages
 * published next are seen. Messages published into JetStream are seen too (they travel core NATS first).
 */
export async function captureMessages<T = unknown>(
  client: JunctionClient,
  pattern: string,
  options: CaptureOptions<T>,
): Promise<Capture<T>> {
  const { count } = options;
  const timeoutMs = options.timeoutMs ?? 5000;
  checkInteger("count", count, 1);
  checkInteger("timeoutMs", timeoutMs, 1);
  const codec = options.codec ?? (jsonCodec() as Codec<T>);
  const messages: ReceivedMessage<T>[] = [];
  let settle: { resolve: (m: ReceivedMessage<T>[]) => void; reject: (e: Error) => void } | undefined;
  const done = new Promise<ReceivedMessage<T>[]>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Observed by whoever calls wait(); a capture nobody waits for must not be an unhandled rejection.
  done.catch(() => {});

  const finish = (ok: boolean) => {
    clearTimeout(timer);
    sub.unsubscribe();
    if (ok) settle?.resolve(messages.slice());
    else settle?.reject(new CaptureTimeoutError(pattern, count, timeoutMs, messages.slice()));
    settle = undefined;
  };
  const sub = client.nc.subscribe(parsePattern(pattern).natsSubject, {
    callback: (err, msg) => {
      if (err !== null || settle === undefined) return;
      const message = receivedMessage(msg, codec);
      if (options.filter && !options.filter(message)) return;
      messages.push(message);
      if (messages.length === count) finish(true);
    },
  });
  const timer = setTimeout(() => finish(false), timeoutMs);
  try {
    await client.nc.flush();
  } catch (err) {
    finish(false);
    throw err;
  }
  return { messages, wait: () => done, stop: () => finish(false) };
}
