import type { MessageIdentity } from "../identity/index.ts";
import { kvSafeKey } from "../kv/safe-key.ts";
import { InvalidOptionError } from "../resilience/errors.ts";
import { DuplicateInProgressError } from "./errors.ts";
import type { DedupStore } from "./store.ts";

/** Anything with an identity: `serve()` contexts, worker jobs, command contexts, received messages. */
export interface Identified {
  readonly identity: MessageIdentity;
  readonly idempotencyKey?: string | undefined;
  readonly message?: { readonly idempotencyKey?: string | undefined };
}

export interface IdempotentOptions<I> {
  /** What this handler is (letters, digits, `-`, `_`): keys are per name, so two handlers of one message each run it once. */
  readonly name: string;
  readonly store: DedupStore;
  /** The dedup key; default the `Junction-Idempotency-Key`, else the message id. */
  readonly key?: (input: I) => string;
  /**
   * A copy arriving while another instance runs the message: `retry` (default) throws
   * `DuplicateInProgressError`, so a JetStream worker redelivers it later and then skips it — nothing
   * is lost if the first instance dies mid-run; `skip` drops it at once (core NATS fan-out, where a
   * retry never comes).
   */
  readonly whenBusy?: "retry" | "skip";
  /** Called for each copy not run: `done` (processed already) or `busy`. */
  readonly onDuplicate?: (key: string, state: "done" | "busy") => void;
  /** Recording a completion failed (the store is unreachable); the handler's result is still returned. */
  readonly onError?: (err: Error) => void;
}

/** The default key: the caller's idempotency key, else the message id. */
export function dedupKeyOf(input: Identified): string {
  return input.idempotencyKey ?? input.message?.idempotencyKey ?? input.identity.id;
}

/**
 * Wraps a handler so each message (by key) runs once across every instance sharing the store:
 * `idempotent(handler, { name: "billing", store })`. A copy of a processed message resolves to
 * `undefined` without running; a run that throws releases its claim, so a retry runs again.
 */
export function idempotent<I extends Identified, R>(
  handler: (input: I) => R | Promise<R>,
  options: IdempotentOptions<I>,
): (input: I) => Promise<R | undefined> {
  if (!/^[-_A-Za-z0-9]+$/.test(options.name)) {
    throw new InvalidOptionError(`idempotent: name "${options.name}" must be letters, digits, - or _`);
  }
  const keyOf = options.key ?? dedupKeyOf;
  return async (input) => {
    // A KV-safe key: message ids stay readable, anything else is base64url (as saga keys are).
    const key = `${options.name}.${kvSafeKey(keyOf(input))}`;
    const claim = await options.store.claim(key);
    if (claim.state !== "claimed") {
      options.onDuplicate?.(key, claim.state);
      if (claim.state === "busy" && options.whenBusy !== "skip") throw new DuplicateInProgressError(key);
      return undefined;
    }
    let result: R;
    try {
      result = await handler(input);
    } catch (err) {
      await claim.release().catch((e: unknown) => options.onError?.(asError(e)));
      throw err;
    }
    await claim.complete().catch((e: unknown) => options.onError?.(asError(e)));
    return result;
  };
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
