import type { ServerResponse } from "node:http";
import { type AwsRequest, LOCAL_ACCOUNT_ID, sendAwsError, sendJson } from "../aws/index.ts";
import type { ResolvedFunction } from "./config.ts";
import { LambdaServiceError } from "./errors.ts";
import { type EventInvokeConfig, eventInvokeConfigBody, eventInvokeConfigOf } from "./event-invoke-config.ts";
import { MEMORY_MB } from "./function-runner.ts";
import { resolveFunctionRef } from "./names.ts";
import type { InvocationType, InvokeOptions, InvokeResult } from "./types.ts";

/** Lambda is REST-JSON: errors are JSON with `x-amzn-ErrorType`, under this content type. */
const JSON_TYPE = "application/json";
const PREFIX = "/2015-03-31/functions";

export interface LambdaApi {
  invoke(functionName: string, payload: Uint8Array, options: InvokeOptions): Promise<InvokeResult>;
  /** Reserved concurrency of a function (undefined: none reserved); setting undefined removes it. */
  reservedConcurrency(functionName: string): number | undefined;
  setReservedConcurrency(functionName: string, reserved: number | undefined): void;
  /** The function's DeadLetterConfig target (an SQS queue ARN), set by UpdateFunctionConfiguration. */
  deadLetterTarget(functionName: string): string | undefined;
  setDeadLetterTarget(functionName: string, targetArn: string | undefined): void;
  eventInvokeConfig(functionName: string): EventInvokeConfig | undefined;
  /** Undefined removes it. */
  setEventInvokeConfig(functionName: string, config: EventInvokeConfig | undefined): void;
  readonly functions: ReadonlyMap<string, ResolvedFunction>;
  readonly createdAt: Date;
}

/**
 * The Lambda API paths the local Lambda serves: Invoke (`POST …/functions/{name}/invocations`),
 * GetFunction (`GET …/functions/{name}`), GetFunctionConfiguration (`…/{name}/configuration`) and
 * ListFunctions (`GET /2015-03-31/functions` or `…/functions/`).
 */
export async function handleLambdaHttp(req: AwsRequest, res: ServerResponse, api: LambdaApi): Promise<void> {
  try {
    await route(req, res, api);
  } catch (err) {
    if (err instanceof LambdaServiceError) {
      res.setHeader("x-amzn-ErrorType", err.awsType);
      sendJson(res, err.status, { __type: err.awsType, message: err.message, ...err.fields }, JSON_TYPE);
    } else {
      sendAwsError(res, 500, "ServiceException", err instanceof Error ? err.message : String(err), JSON_TYPE);
    }
  }
}

/** Put/DeleteFunctionConcurrency are `/2017-10-31/…`, GetFunctionConcurrency `/2019-09-30/…`. */
const CONCURRENCY = /^\/(2017-10-31|2019-09-30)\/functions\/([^/]+)\/concurrency$/;
/** AWS keeps 100 of an account's 1,000 concurrent executions unreserved. */
const MAX_RESERVED = 900;

/** Put (PUT), Update (POST), Get and Delete FunctionEventInvokeConfig. */
const EVENT_INVOKE_CONFIG = /^\/2019-09-25\/functions\/([^/]+)\/event-invoke-config$/;

async function route(req: AwsRequest, res: ServerResponse, api: LambdaApi): Promise<void> {
  const url = new URL(req.url, "http://local");
  const eventConfig = EVENT_INVOKE_CONFIG.exec(url.pathname);
  if (eventConfig !== null)
    return eventInvokeConfig(req, res, api, decodeURIComponent(eventConfig[1] as string));
  const concurrency = CONCURRENCY.exec(url.pathname);
  if (concurrency !== null)
    return functionConcurrency(
      req,
      res,
      api,
      concurrency[1] as string,
      decodeURIComponent(concurrency[2] as string),
    );
  const rest = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : undefined;
  // Split before decoding: an ARN arrives with its colons percent-encoded, never with a slash.
  const parts = (rest ?? "")
    .split("/")
    .filter((part) => part !== "")
    .map(decodeURIComponent);
  const qualifier = url.searchParams.get("Qualifier") ?? undefined;
  const [name, action] = parts;
  if (
    rest !== undefined &&
    req.method === "POST" &&
    name !== undefined &&
    action === "invocations" &&
    parts.length === 2
  ) {
    return invoke(req, res, api, name, qualifier);
  }
  if (rest !== undefined && req.method === "PUT" && name !== undefined && action === "configuration")
    return updateFunctionConfiguration(req, res, api, name);
  if (rest !== undefined && req.method === "GET") {
    if (name === undefined) return listFunctions(res, api, url.searchParams);
    if (parts.length === 1 || (parts.length === 2 && action === "configuration")) {
      const ref = resolveFunctionRef(name, qualifier, (n) => api.functions.has(n));
      const configuration = functionConfiguration(api.functions.get(ref.name) as ResolvedFunction, api);
      return sendJson(
        res,
        200,
        parts.length === 1 ? { Configuration: configuration } : configuration,
        JSON_TYPE,
      );
    }
  }
  throw new LambdaServiceError(
    404,
    "UnknownOperationException",
    `The local Lambda serves Invoke, GetFunction, GetFunctionConfiguration, UpdateFunctionConfiguration (DeadLetterConfig), ListFunctions, Put/Get/DeleteFunctionConcurrency and Put/Update/Get/DeleteFunctionEventInvokeConfig, not ${req.method} ${url.pathname}`,
  );
}

async function invoke(
  req: AwsRequest,
  res: ServerResponse,
  api: LambdaApi,
  name: string,
  qualifier: string | undefined,
): Promise<void> {
  const type = header(req, "x-amz-invocation-type");
  const logType = header(req, "x-amz-log-type");
  const clientContext = header(req, "x-amz-client-context");
  const result = await api.invoke(name, req.body, {
    ...(type === undefined ? {} : { type: type as InvocationType }),
    ...(logType === "Tail" ? { logType: "Tail" } : {}),
    ...(clientContext === undefined ? {} : { clientContext }),
    ...(qualifier === undefined ? {} : { qualifier }),
  });
  const headers: Record<string, string | number> = {
    "Content-Type": JSON_TYPE,
    "Content-Length": result.payload.byteLength,
    "x-amzn-RequestId": result.requestId,
  };
  if (result.executedVersion !== undefined) headers["X-Amz-Executed-Version"] = result.executedVersion;
  if (result.functionError !== undefined) headers["X-Amz-Function-Error"] = result.functionError;
  if (result.logResult !== undefined) headers["X-Amz-Log-Result"] = result.logResult;
  res.writeHead(result.statusCode, headers);
  res.end(result.statusCode === 200 ? result.payload : undefined);
}

function functionConcurrency(
  req: AwsRequest,
  res: ServerResponse,
  api: LambdaApi,
  version: string,
  name: string,
): void {
  const operation = `${req.method} ${version}`;
  if (operation === "GET 2019-09-30") {
    const reserved = api.reservedConcurrency(name);
    sendJson(res, 200, reserved === undefined ? {} : { ReservedConcurrentExecutions: reserved }, JSON_TYPE);
    return;
  }
  if (operation === "DELETE 2017-10-31") {
    api.setReservedConcurrency(name, undefined);
    res.writeHead(204, { "x-amzn-RequestId": crypto.randomUUID() });
    res.end();
    return;
  }
  if (operation === "PUT 2017-10-31") {
    let reserved: unknown;
    try {
      reserved = (JSON.parse(req.body.toString("utf8")) as { ReservedConcurrentExecutions?: unknown })
        .ReservedConcurrentExecutions;
    } catch {
      // reported below
    }
    if (typeof reserved !== "number" || !Number.isInteger(reserved) || reserved < 0)
      throw new LambdaServiceError(
        400,
        "InvalidParameterValueException",
        "ReservedConcurrentExecutions must be an integer of 0 or more.",
      );
    if (reserved > MAX_RESERVED)
      throw new LambdaServiceError(
        400,
        "InvalidParameterValueException",
        `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].`,
      );
    api.setReservedConcurrency(name, reserved);
    sendJson(res, 200, { ReservedConcurrentExecutions: reserved }, JSON_TYPE);
    return;
  }
  throw new LambdaServiceError(
    404,
    "UnknownOperationException",
    `The local Lambda does not serve ${req.method} ${req.url}`,
  );
}

function eventInvokeConfig(req: AwsRequest, res: ServerResponse, api: LambdaApi, functionName: string): void {
  const ref = resolveFunctionRef(functionName, undefined, (n) => api.functions.has(n));
  const fn = api.functions.get(ref.name) as ResolvedFunction;
  const current = api.eventInvokeConfig(fn.name);
  if (req.method === "PUT" || req.method === "POST") {
    let body: Record<string, unknown>;
    try {
      body = req.body.length === 0 ? {} : (JSON.parse(req.body.toString("utf8")) as Record<string, unknown>);
    } catch {
      throw new LambdaServiceError(
        400,
        "InvalidRequestContentException",
        "Could not parse request body into json",
      );
    }
    const config = eventInvokeConfigOf(body, current, req.method === "POST");
    api.setEventInvokeConfig(fn.name, config);
    sendJson(res, 200, eventInvokeConfigBody(fn.arn, config), JSON_TYPE);
    return;
  }
  if (req.method === "GET" || req.method === "DELETE") {
    if (current === undefined)
      throw new LambdaServiceError(
        404,
        "ResourceNotFoundException",
        `The function ${fn.arn}:$LATEST doesn't have an EventInvokeConfig`,
      );
    if (req.method === "GET") sendJson(res, 200, eventInvokeConfigBody(fn.arn, current), JSON_TYPE);
    else {
      api.setEventInvokeConfig(fn.name, undefined);
      res.writeHead(204, { "x-amzn-RequestId": crypto.randomUUID() });
      res.end();
    }
    return;
  }
  throw new LambdaServiceError(
    404,
    "UnknownOperationException",
    `The local Lambda does not serve ${req.method} ${req.url}`,
  );
}

/** All functions in one page unless `MaxItems` asks for fewer; `Marker` is the next index. */
function listFunctions(res: ServerResponse, api: LambdaApi, params: URLSearchParams): void {
  const all = [...api.functions.values()];
  const start = Number(params.get("Marker") ?? "0") || 0;
  const max = Number(params.get("MaxItems") ?? "50") || 50;
  const page = all.slice(start, start + max);
  const next = start + page.length;
  sendJson(
    res,
    200,
    {
      Functions: page.map((fn) => functionConfiguration(fn, api)),
      ...(next < all.length ? { NextMarker: String(next) } : {}),
    },
    JSON_TYPE,
  );
}

/**
 * UpdateFunctionConfiguration: functions come from junction.yaml, so only their DeadLetterConfig
 * (where failed `Event` invocations go) can change here.
 */
function updateFunctionConfiguration(
  req: AwsRequest,
  res: ServerResponse,
  api: LambdaApi,
  name: string,
): void {
  const ref = resolveFunctionRef(name, undefined, (n) => api.functions.has(n));
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(req.body.toString("utf8") || "{}") as Record<string, unknown>;
  } catch {
    throw new LambdaServiceError(
      400,
      "InvalidRequestContentException",
      "Could not parse request body into json",
    );
  }
  const others = Object.keys(body).filter((key) => key !== "DeadLetterConfig");
  if (others.length > 0)
    throw new LambdaServiceError(
      400,
      "InvalidParameterValueException",
      `The local Lambda takes its functions from junction.yaml: UpdateFunctionConfiguration changes only DeadLetterConfig, not ${others.join(", ")}`,
    );
  const target = (body.DeadLetterConfig as { TargetArn?: unknown } | undefined)?.TargetArn;
  if (
    target !== undefined &&
    target !== "" &&
    (typeof target !== "string" || !target.startsWith("arn:aws:sqs:"))
  )
    throw new LambdaServiceError(
      400,
      "InvalidParameterValueException",
      `The local Lambda's dead-letter queue is an SQS queue, not ${String(target)}`,
    );
  if (body.DeadLetterConfig !== undefined)
    api.setDeadLetterTarget(ref.name, target === "" ? undefined : (target as string | undefined));
  sendJson(res, 200, functionConfiguration(api.functions.get(ref.name) as ResolvedFunction, api), JSON_TYPE);
}

/** A minimal but well-formed FunctionConfiguration, enough for tools that discover functions. */
function functionConfiguration(fn: ResolvedFunction, api: LambdaApi) {
  const deadLetterTarget = api.deadLetterTarget(fn.name);
  return {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Runtime: `nodejs${process.versions.node.split(".")[0]}.x`,
    Role: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/junction-local-lambda`,
    Handler: fn.handler,
    CodeSize: 0,
    Description: "",
    Timeout: Math.ceil(fn.timeoutMs / 1000),
    MemorySize: MEMORY_MB,
    // AWS's format: milliseconds and a +0000 offset instead of Z.
    LastModified: api.createdAt.toISOString().replace("Z", "+0000"),
    CodeSha256: "",
    Version: "$LATEST",
    ...(Object.keys(fn.env).length === 0 ? {} : { Environment: { Variables: fn.env } }),
    ...(deadLetterTarget === undefined ? {} : { DeadLetterConfig: { TargetArn: deadLetterTarget } }),
    TracingConfig: { Mode: "PassThrough" },
    State: "Active",
    LastUpdateStatus: "Successful",
    PackageType: "Zip",
    Architectures: [process.arch === "arm64" ? "arm64" : "x86_64"],
    EphemeralStorage: { Size: 512 },
  };
}

function header(req: AwsRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
