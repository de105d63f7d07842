export {
  type AcceptedAck,
  ackHeaders,
  type CommandAck,
  CommandHeaders,
  type EmittedEvent,
  isCommandAck,
  type RejectedAck,
  type ValidationIssue,
} from "./ack.ts";
export {
  CommandConfigError,
  CommandErrorCode,
  CommandRejectedError,
  NotACommandAckError,
  VALIDATION_CODE,
} from "./errors.ts";
export { type CommandHandler, commandFromJob, commandFromMessage, createCommandHandler } from "./handler.ts";
export type {
  CommandContext,
  CommandDeps,
  CommandHandlerConfig,
  EmitOptions,
  IncomingCommand,
  ProcessCommand,
} from "./pipeline.ts";
export { type SendCommandOptions, sendCommand } from "./send.ts";
export type { CommandSchema, CommandValidator } from "./validate.ts";
