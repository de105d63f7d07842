import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentityProvider, ChecksumConstructor, HashConstructor } from "@smithy/types";

/**
 * The few things of an AWS SDK v3 client a lean call needs, read from the client itself so that its
 * credential chain (with its caching and refresh), region and endpoint resolution stay the SDK's.
 */
export interface SdkClientLike {
  readonly config: {
    readonly region: () => Promise<string>;
    readonly credentials: AwsCredentialIdentityProvider;
    readonly sha256: ChecksumConstructor | HashConstructor;
    readonly endpoint?: () => Promise<{
      hostname: string;
      port?: number;
      protocol: string;
      path: string;
    }>;
    readonly endpointProvider: (params: Record<string, unknown>) => { url: URL };
    readonly useFipsEndpoint: () => Promise<boolean>;
    readonly useDualstackEndpoint: () => Promise<boolean>;
  };
}

/** How one service speaks AWS's JSON protocol. */
export interface JsonProtocol {
  /** SigV4 signing name: `sqs`, `dynamodb`, `events`. */
  readonly signingName: string;
  /** `X-Amz-Target` prefix: `AmazonSQS`, `DynamoDB_20120810`, `AWSEvents`. */
  readonly targetPrefix: string;
  /** `1.0` or `1.1`. */
  readonly version: "1.0" | "1.1";
}

export const SQS_JSON: JsonProtocol = { signingName: "sqs", targetPrefix: "AmazonSQS", version: "1.0" };
export const DYNAMODB_JSON: JsonProtocol = {
  signingName: "dynamodb",
  targetPrefix: "DynamoDB_20120810",
  version: "1.0",
};
export const EVENTBRIDGE_JSON: JsonProtocol = {
  signingName: "events",
  targetPrefix: "AWSEvents",
  version: "1.1",
};

/**
 * A failure AWS answered with, in the shape the SDK gives its service exceptions (`name` is AWS's
 * error code, `$fault`, `$metadata.httpStatusCode`), so one classification serves both paths.
 */
export class AwsServiceError extends Error {
  readonly code = "ERR_AWS_SERVICE";
  readonly $fault: "client" | "server";
  readonly $metadata: { readonly httpStatusCode: number; readonly requestId?: string };
  constructor(awsCode: string, message: string, status: number, requestId: string | undefined) {
    super(message);
    this.name = awsCode;
    this.$fault = status >= 500 ? "server" : "client";
    this.$metadata = { httpStatusCode: status, ...(requestId === undefined ? {} : { requestId }) };
  }
}

export interface JsonCaller {
  call(operation: string, input: unknown, signal?: AbortSignal): Promise<unknown>;
  /** Closes the pooled connections. */
  destroy(): void;
}

/**
 * One signed POST per call over pooled keep-alive connections, for the bridge's hot batch calls
 * (SendMessageBatch, PutEvents, BatchWriteItem). Written here because the SDK's generic request
 * pipeline (middleware stack, endpoint rules, schema serde, checksums) costs about as much CPU per call
 * as everything else the bridge does per batch, and these three calls need none of it: the input is
 * already the JSON AWS takes and the output the JSON it returns. Signing is the SDK's own SigV4; the
 * runtime retries, so the call itself does not.
 */
export function createJsonCaller(client: SdkClientLike, protocol: JsonProtocol): JsonCaller {
  const contentType = `application/x-amz-json-${protocol.version}`;
  let resolved: Promise<{ url: URL; signer: SignatureV4 }> | undefined;
  const resolve = async () => {
    const region = await client.config.region();
    const custom = await client.config.endpoint?.();
    const url =
      custom === undefined
        ? client.config.endpointProvider({
            Region: region,
            UseFIPS: await client.config.useFipsEndpoint(),
            UseDualStack: await client.config.useDualstackEndpoint(),
          }).url
        : new URL(
            `${custom.protocol}//${custom.hostname}${custom.port ? `:${custom.port}` : ""}${custom.path}`,
          );
    const signer = new SignatureV4({
      credentials: client.config.credentials,
      region,
      service: protocol.signingName,
      sha256: client.config.sha256,
    });
    return { url, signer };
  };
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

  const call: JsonCaller["call"] = async (operation, input, signal) => {
    resolved ??= resolve().catch((err) => {
      resolved = undefined;
      throw err;
    });
    const { url, signer } = await resolved;
    const body = JSON.stringify(input, awsJsonValue);
    const signed = await signer.sign({
      method: "POST",
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === "" ? {} : { port: Number(url.port) }),
      path: url.pathname,
      query: {},
      headers: {
        host: url.host,
        "content-type": contentType,
        "content-length": String(Buffer.byteLength(body)),
        "x-amz-target": `${protocol.targetPrefix}.${operation}`,
      },
      body,
    });
    const https = url.protocol === "https:";
    const response = await new Promise<{ status: number; text: string; headers: IncomingMessage["headers"] }>(
      (ok, fail) => {
        const req = (https ? httpsRequest : httpRequest)(
          {
            method: "POST",
            host: url.hostname,
            port: url.port === "" ? undefined : Number(url.port),
            path: url.pathname,
            headers: signed.headers,
            agent: https ? httpsAgent : httpAgent,
            ...(signal === undefined ? {} : { signal }),
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              ok({
                status: res.statusCode ?? 0,
                text: Buffer.concat(chunks).toString("utf8"),
                headers: res.headers,
              }),
            );
            res.on("error", fail);
          },
        );
        req.on("error", fail);
        req.end(body);
      },
    );
    const parsed = response.text === "" ? {} : parseJson(response.text);
    if (response.status >= 200 && response.status < 300) return parsed;
    throw serviceError(response.status, parsed, response.headers);
  };
  return {
    call,
    destroy: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * Values as AWS's JSON protocol writes them: timestamps as epoch seconds (`Date` is read from the
 * holder, since `JSON.stringify` has already turned it into a string), blobs as base64.
 */
function awsJsonValue(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw instanceof Date) return raw.getTime() / 1000;
  if (raw instanceof Uint8Array)
    return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("base64");
  return value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

/**
 * AWS's JSON error: `__type` is `[namespace#]Code`; SQS also names its legacy query error code in
 * `x-amzn-query-error` (`AWS.SimpleQueueService.NonExistentQueue;Sender`), which the SDK prefers.
 */
function serviceError(status: number, body: unknown, headers: IncomingMessage["headers"]): AwsServiceError {
  const doc = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const type = typeof doc.__type === "string" ? doc.__type : typeof doc.code === "string" ? doc.code : "";
  const queryError = headers["x-amzn-query-error"];
  const legacy = typeof queryError === "string" ? queryError.split(";")[0] : undefined;
  const code = legacy || type.slice(type.lastIndexOf("#") + 1).split(":")[0] || `Http${status}`;
  const message = doc.message ?? doc.Message;
  const requestId = headers["x-amzn-requestid"];
  return new AwsServiceError(
    code,
    typeof message === "string" ? message : `HTTP ${status}`,
    status,
    typeof requestId === "string" ? requestId : undefined,
  );
}
