import { JunctionError } from "@junction/sdk";

/** A test server or cluster did not reach the expected state in time; `message` says what was seen. */
export class TestkitTimeoutError extends JunctionError {
  constructor(message: string) {
    super("ERR_TESTKIT_TIMEOUT", message);
  }
}

/** A test server or cluster was used after `dispose()`. */
export class TestkitDisposedError extends JunctionError {
  constructor(what: string) {
    super("ERR_TESTKIT_DISPOSED", `${what} was used after dispose()`);
  }
}
