import type { Codec } from "../codecs/index.ts";
import { jsonCodec } from "../codecs/index.ts";
import type { JunctionClient } from "../connect/client.ts";
import { CodecError } from "../errors/index.ts";
import { type MessageIdentity, MessageKind } from "../identity/index.ts";
import { matchPattern } from "../subjects/match.ts";
import { parsePattern } from "../subjects/parse.ts";
import type { CommandAck, RejectedAck, ValidationIssue } from "./ack.ts";
import { CommandConfigError, CommandRejectedError, VALIDATION_CODE } from "./errors.ts";
import {
  type CommandSchema,
  type CommandValidator,
  describeIssues,
  rootIdentityIssue,
  validate,
} from "./validate.ts";

/** A command as any transport delivers it: subject, payload bytes, identity, headers. */
export interface IncomingCommand {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly identity: MessageIdentity;
  readonly idempotencyKey?: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
}

export interface EmitOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Default `event`. */
  readonly kind?: MessageKind;
}

/** What a command handler gets: the validated payload, and `emit` for the events the command causes. */
export interface CommandContext<T> {
  readonly subject: string;
  /** Values of the handler's `{name}` / `{name>}` subject tokens. */
  readonly captures: Readonly<Record<string, string>>;
  /** The payload after validation (a schema's parsed value). */
  readonly data: T;
  readonly identity: MessageIdentity;
  readonly idempotencyKey: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Queues an event derived from the command (same correlation id, causation = the command's id). Events
   * are published, in order, only once the handler returns: a rejected or failed command emits none.
   */
  emit(subject: string, data?: unknown, options?: EmitOptions): void;
  /** Rejects the command with a stable code of yours: throws `CommandRejectedError`. */
  reject(code: string, reason: string): never;
}

export interface CommandHandlerConfig<T, R> {
  /** Subject or pattern the handler takes (`shop.commands.order.place`, `shop.commands.order.{name}`). */
  readonly subject: string;
  readonly handle: (command: CommandContext<T>) => R | Promise<R>;
  /** A zod-like schema (`safeParse`); its parsed value is what `handle` gets. */
  readonly schema?: CommandSchema<T>;
  /** A validation function returning the problems found (runs after `schema`). */
  readonly validate?: CommandValidator;
  /** Payload codec of commands and events; default JSON. */
  readonly codec?: Codec<unknown>;
  /**
   * How events are published: `jetstream` (default; acknowledged by the stream that captures them,
   * deduplicated by id) or `core` (at most once, for subjects no stream captures).
   */
  readonly events?: "jetstream" | "core";
  /**
   * An event to publish when a command is rejected (e.g. the failure event a saga step waits for):
   * a subject, or a function choosing one (undefined: none). Its payload is the rejected acknowledgement.
   */
  readonly rejectionEvent?: string | ((ack: RejectedAck, command: IncomingCommand) => string | undefined);
}

export interface CommandDeps {
  readonly client: JunctionClient;
}

/**
 * Validates, handles and acknowledges one command. Resolves with the acknowledgement; rejects only
 * when the handler failed unexpectedly (the transport then answers 500, or retries a durable command).
 */
export type ProcessCommand<R> = (command: IncomingCommand) => Promise<CommandAck<R>>;

/**
 * The pipeline: identity check → decode → schema / validate → handle → publish the emitted events →
 * acknowledge. Event ids are `<command id>-e<n>`, so a redelivered command that emits the same events
 * stores them once (JetStream dedup); the rejection event's id is `<command id>-rejected`.
 */
export function createCommandProcessor<T, R>(
  config: CommandHandlerConfig<T, R>,
  deps: CommandDeps,
): ProcessCommand<R> {
  let pattern: ReturnType<typeof parsePattern>;
  try {
    pattern = parsePattern(config.subject);
  } catch (err) {
    throw new CommandConfigError(`invalid command subject "${config.subject}"`, { cause: err });
  }
  const codec = config.codec ?? jsonCodec();
  const viaJetStream = (config.events ?? "jetstream") === "jetstream";

  const publish = async (
    subject: string,
    data: unknown,
    id: string,
    cause: MessageIdentity,
    opts?: EmitOptions,
  ) => {
    const options = {
      id,
      causedBy: cause,
      kind: opts?.kind ?? MessageKind.Event,
      ...(opts?.headers === undefined ? {} : { headers: opts.headers }),
      ...(config.codec === undefined ? {} : { codec: config.codec }),
    };
    if (viaJetStream) await deps.client.jetstream().publish(subject, data, options);
    else deps.client.publish(subject, data, options);
  };

  const rejected = async (
    command: IncomingCommand,
    code: string,
    reason: string,
    issues: readonly ValidationIssue[] | undefined,
  ) => {
    const ack: RejectedAck = {
      status: "rejected",
      commandId: command.identity.id,
      correlationId: command.identity.correlationId,
      code,
      reason,
      ...(issues === undefined ? {} : { issues }),
    };
    const rule = config.rejectionEvent;
    const subject = typeof rule === "function" ? rule(ack, command) : rule;
    if (subject !== undefined)
      await publish(subject, ack, `${command.identity.id}-rejected`, command.identity);
    return ack;
  };

  return async (command) => {
    const { identity } = command;
    const identityIssue = rootIdentityIssue(identity);
    if (identityIssue)
      return rejected(command, VALIDATION_CODE, describeIssues([identityIssue]), [identityIssue]);

    let payload: unknown;
    try {
      payload = codec.decode(command.data);
    } catch (err) {
      if (!(err instanceof CodecError)) throw err;
      const issue = { path: "", message: `payload: ${err.message}` };
      return rejected(command, VALIDATION_CODE, issue.message, [issue]);
    }

    const queued: { subject: string; id: string; data: unknown; options: EmitOptions | undefined }[] = [];
    let result: R;
    try {
      const checked = await validate<T>(payload, command, config.schema, config.validate);
      if (!checked.ok) {
        return rejected(
          command,
          VALIDATION_CODE,
          `invalid command: ${describeIssues(checked.issues)}`,
          checked.issues,
        );
      }
      result = await config.handle({
        subject: command.subject,
        captures: matchPattern(pattern, command.subject) ?? {},
        data: checked.data,
        identity,
        idempotencyKey: command.idempotencyKey,
        headers: command.headers,
        emit: (subject, data, options) => {
          queued.push({ subject, id: `${identity.id}-e${queued.length + 1}`, data, options });
        },
        reject: (code, reason) => {
          throw new CommandRejectedError(code, reason);
        },
      });
    } catch (err) {
      if (!(err instanceof CommandRejectedError)) throw err;
      return rejected(command, err.rejectionCode, err.reason, err.issues);
    }

    await Promise.all(queued.map((e) => publish(e.subject, e.data, e.id, identity, e.options)));
    return {
      status: "accepted",
      commandId: identity.id,
      correlationId: identity.correlationId,
      events: queued.map(({ subject, id }) => ({ subject, id })),
      ...(result === undefined ? {} : { result }),
    };
  };
}
