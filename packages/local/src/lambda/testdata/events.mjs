// Event (asynchronous) targets: each attempt appends one line to `event.file`.
import { appendFile } from "node:fs/promises";

export const record = async (event) => {
  await appendFile(event.file, `${event.line}\n`);
};

export const flaky = async (event) => {
  await appendFile(event.file, "attempt\n");
  throw new Error("flaky failure");
};

/** Appends the time of each attempt to `event.file`, then fails. */
export const stamped = async (event) => {
  await appendFile(event.file, `${Date.now()}\n`);
  throw new Error("stamped failure");
};
