/**
 * Helpers for tests of code built on the SDK: `import { captureMessages, rootMessage } from
 * "@junction/sdk/testing"`. Not imported by the SDK's main entry.
 */
export { type Capture, type CaptureOptions, captureMessages } from "./capture.ts";
export { CaptureTimeoutError, TestingErrorCode } from "./errors.ts";
export {
  derivedMessage,
  type FixtureMessage,
  type FixtureOptions,
  type FixtureSpec,
  rootMessage,
} from "./fixtures.ts";
