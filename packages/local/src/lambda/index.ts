export type { DeadLetterAttributes, InvocationRecord } from "./async-invocations.ts";
export { LambdaServiceError, LocalLambdaConfigError } from "./errors.ts";
export { createLocalLambda, EVENT_PAYLOAD_LIMIT, SYNC_PAYLOAD_LIMIT } from "./local-lambda.ts";
export type {
  InvocationType,
  InvokeOptions,
  InvokeResult,
  LocalFunction,
  LocalLambda,
  LocalLambdaOptions,
} from "./types.ts";
