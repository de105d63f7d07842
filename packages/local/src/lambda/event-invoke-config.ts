import { LambdaServiceError } from "./errors.ts";

/** PutFunctionEventInvokeConfig's settings for one function, as the local Lambda keeps them. */
export interface EventInvokeConfig {
  /** 0–2; AWS's default is 2. */
  readonly maximumRetryAttempts?: number;
  /** 60–21600 seconds; AWS's default is 6 hours. */
  readonly maximumEventAgeInSeconds?: number;
  readonly onSuccess?: string;
  readonly onFailure?: string;
  /** Epoch seconds, as AWS reports it. */
  readonly lastModified: number;
}

/** Destinations the local stack can send invocation records to. */
const SERVED_DESTINATION = /^arn:aws:(sqs|lambda|events):/;

/**
 * The config a Put (`merge` false: what is left out is removed) or Update (`merge` true: what is left
 * out stays) makes of a request body, checked as AWS checks it.
 */
export function eventInvokeConfigOf(
  body: Record<string, unknown>,
  previous: EventInvokeConfig | undefined,
  merge: boolean,
): EventInvokeConfig {
  const base = merge ? (previous ?? { lastModified: 0 }) : { lastModified: 0 };
  const retries = integerIn(body.MaximumRetryAttempts, "maximumRetryAttempts", 0, 2);
  const age = integerIn(body.MaximumEventAgeInSeconds, "maximumEventAgeInSeconds", 60, 21_600);
  const destinations = (body.DestinationConfig ?? {}) as Record<
    string,
    { Destination?: unknown } | undefined
  >;
  const onSuccess = destinationOf(destinations.OnSuccess, "OnSuccess");
  const onFailure = destinationOf(destinations.OnFailure, "OnFailure");
  const pick = <T>(given: T | undefined, kept: T | undefined, present: boolean) =>
    present ? given : merge ? kept : undefined;
  const config = {
    maximumRetryAttempts: pick(retries, base.maximumRetryAttempts, retries !== undefined),
    maximumEventAgeInSeconds: pick(age, base.maximumEventAgeInSeconds, age !== undefined),
    onSuccess: pick(onSuccess, base.onSuccess, destinations.OnSuccess !== undefined),
    onFailure: pick(onFailure, base.onFailure, destinations.OnFailure !== undefined),
    lastModified: Date.now() / 1000,
  };
  return Object.fromEntries(
    Object.entries(config).filter(([, value]) => value !== undefined),
  ) as unknown as EventInvokeConfig;
}

/** FunctionEventInvokeConfig, AWS's answer to Put, Update and Get. */
export function eventInvokeConfigBody(functionArn: string, config: EventInvokeConfig) {
  const destination = (arn: string | undefined) => (arn === undefined ? {} : { Destination: arn });
  return {
    LastModified: config.lastModified,
    FunctionArn: `${functionArn}:$LATEST`,
    ...(config.maximumRetryAttempts === undefined
      ? {}
      : { MaximumRetryAttempts: config.maximumRetryAttempts }),
    ...(config.maximumEventAgeInSeconds === undefined
      ? {}
      : { MaximumEventAgeInSeconds: config.maximumEventAgeInSeconds }),
    DestinationConfig: { OnSuccess: destination(config.onSuccess), OnFailure: destination(config.onFailure) },
  };
}

function integerIn(value: unknown, member: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const fail = (constraint: string) => {
    throw new LambdaServiceError(
      400,
      "ValidationException",
      `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${constraint}`,
    );
  };
  if (typeof value !== "number" || !Number.isInteger(value)) return fail("Member must be an integer");
  if (value < min) return fail(`Member must have value greater than or equal to ${min}`);
  if (value > max) return fail(`Member must have value less than or equal to ${max}`);
  return value;
}

function destinationOf(value: { Destination?: unknown } | undefined, which: string): string | undefined {
  const arn = value?.Destination;
  if (arn === undefined || arn === null || arn === "") return undefined;
  if (typeof arn !== "string" || !SERVED_DESTINATION.test(arn))
    throw new LambdaServiceError(
      400,
      "InvalidParameterValueException",
      `The local Lambda sends ${which} records to SQS queues, Lambda functions and EventBridge buses, not to ${String(arn)}`,
    );
  return arn;
}
