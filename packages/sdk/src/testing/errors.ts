import type { ReceivedMessage } from "../client/message.ts";
import { JunctionError } from "../errors/index.ts";

export const TestingErrorCode = {
  CaptureTimeout: "ERR_CAPTURE_TIMEOUT",
} as const;

/** Fewer messages than expected arrived in time. `received` holds those that did, in arrival order. */
export class CaptureTimeoutError extends JunctionError {
  readonly pattern: string;
  readonly expected: number;
  readonly received: readonly ReceivedMessage<unknown>[];

  constructor(
    pattern: string,
    expected: number,
    timeoutMs: number,
    received: readonly ReceivedMessage<unknown>[],
  ) {
    const subjects = received.map((m) => m.subject);
    const seen = subjects.length === 0 ? "" : `: ${subjects.join(", ")}`;
    super(
      TestingErrorCode.CaptureTimeout,
      `expected ${expected} message(s) on "${pattern}" within ${timeoutMs} ms, got ${received.length}${seen}`,
    );
    this.pattern = pattern;
    this.expected = expected;
    this.received = received;
  }
}
