// Echoes what a handler sees. Module state (`calls`) shows whether the worker was reused.
let calls = 0;

export const handler = async (event, context) => {
  calls += 1;
  console.log("echo event %j", event);
  return {
    event,
    calls,
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: context.memoryLimitInMB,
    awsRequestId: context.awsRequestId,
    logGroupName: context.logGroupName,
    logStreamName: context.logStreamName,
    clientContext: context.clientContext ?? null,
    remainingMs: context.getRemainingTimeInMillis(),
    greeting: process.env.GREETING ?? null,
    lambdaName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? null,
  };
};

export function callbackStyle(event, _context, callback) {
  setTimeout(() => callback(null, { via: "callback", event }), 5);
}

export function syncStyle(event) {
  return { via: "sync", event };
}

export const nested = { deeper: { handler: async () => "nested" } };

export const notAFunction = 42;

/** Sleeps `event.ms`, reporting when it started and ended (to show invocations don't overlap). */
export const slow = async (event) => {
  const start = Date.now();
  await new Promise((resolve) => setTimeout(resolve, event.ms));
  return { start, end: Date.now() };
};
