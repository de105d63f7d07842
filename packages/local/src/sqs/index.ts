export { SERVED_SQS_ACTIONS, SQS_ACTIONS } from "./actions.ts";
export { DedupWindow, type FirstSend } from "./fifo-dedup.ts";
export { EMULATOR_HOST } from "./queue-urls.ts";
export { createLocalSqs, type SqsAnswer, type SqsEmulator } from "./service.ts";
