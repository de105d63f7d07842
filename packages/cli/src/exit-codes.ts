/** Exit codes scripts rely on (DESIGN.md, "CLI contract"). */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  /** Invalid config, subject or arguments. */
  Invalid: 2,
  /** `translate`: no route matches the subject. */
  NoRoute: 3,
  /** `translate`: a route matches but the message cannot be mapped (it would be dead-lettered). */
  Unmappable: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Ends a command with an exit code and a message for stderr, without a stack trace. */
export class CliExit extends Error {
  readonly exitCode: ExitCode;

  constructor(exitCode: ExitCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CliExit";
    this.exitCode = exitCode;
  }
}
