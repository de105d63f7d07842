import { JunctionError } from "../errors/index.ts";
import type { ValidationIssue } from "./ack.ts";

export const CommandErrorCode = {
  Rejected: "ERR_COMMAND_REJECTED",
  NotAnAck: "ERR_NOT_A_COMMAND_ACK",
  InvalidConfig: "ERR_COMMAND_CONFIG",
} as const;

/** The code of every rejection the pipeline itself makes: bad identity, undecodable payload, failed validation. */
export const VALIDATION_CODE = "ERR_VALIDATION";

/**
 * Thrown by a command handler (or its validator) to reject the command: the caller gets a `rejected`
 * acknowledgement with `rejectionCode` and `reason`, no event is published, and a durable command is
 * not retried. `rejectionCode` is the handler's own stable code, e.g. `OUT_OF_STOCK`.
 */
export class CommandRejectedError extends JunctionError {
  readonly rejectionCode: string;
  readonly reason: string;
  readonly issues: readonly ValidationIssue[] | undefined;

  constructor(
    rejectionCode: string,
    reason: string,
    options?: ErrorOptions & { readonly issues?: readonly ValidationIssue[] },
  ) {
    super(CommandErrorCode.Rejected, `command rejected (${rejectionCode}): ${reason}`, options);
    this.rejectionCode = rejectionCode;
    this.reason = reason;
    this.issues = options?.issues;
  }
}

/** The reply to a command was not an acknowledgement (e.g. a stream captured the subject and sent its PubAck). */
export class NotACommandAckError extends JunctionError {
  readonly subject: string;
  constructor(subject: string, detail: string, options?: ErrorOptions) {
    super(
      CommandErrorCode.NotAnAck,
      `the reply to "${subject}" is not a command acknowledgement: ${detail}`,
      options,
    );
    this.subject = subject;
  }
}

/** A command handler's configuration can never work (checked when it is created). */
export class CommandConfigError extends JunctionError {
  constructor(message: string, options?: ErrorOptions) {
    super(CommandErrorCode.InvalidConfig, message, options);
  }
}
