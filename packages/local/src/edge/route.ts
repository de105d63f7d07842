import type { AwsRequest } from "../aws/index.ts";
import { SQS_ACTIONS } from "../sqs/index.ts";

export type EdgeService = "sqs" | "dynamodb" | "dynamodbstreams" | "eventbridge" | "lambda";

/** Where a request goes: a served service, or a 4xx naming the service and action asked for. */
export type Route =
  | { readonly service: EdgeService }
  | { readonly unserved: { readonly service: string; readonly action: string; readonly query: boolean } };

/** JSON-protocol services by their `X-Amz-Target` prefix. */
const TARGETS: Readonly<Record<string, EdgeService>> = {
  AmazonSQS: "sqs",
  DynamoDB_20120810: "dynamodb",
  DynamoDBStreams_20120810: "dynamodbstreams",
  AWSEvents: "eventbridge",
};

/** Services by the name in their SigV4 signing scope. */
const SCOPES: Readonly<Record<string, EdgeService>> = {
  sqs: "sqs",
  dynamodb: "dynamodb",
  events: "eventbridge",
  lambda: "lambda",
};

const LAMBDA_PATH = /^\/20\d\d-\d\d-\d\d\//;

/**
 * Which service a request is for, by what AWS itself uses: the `X-Amz-Target` header (JSON
 * protocol), the service in the SigV4 signing scope, and for unsigned query-protocol requests the
 * `Action` parameter; Lambda's REST paths when nothing else names a service.
 */
export function routeOf(req: AwsRequest): Route {
  const target = header(req, "x-amz-target");
  if (target !== undefined) {
    const dot = target.indexOf(".");
    const prefix = dot < 0 ? target : target.slice(0, dot);
    const service = TARGETS[prefix];
    if (service !== undefined) return { service };
    return { unserved: { service: prefix, action: target.slice(dot + 1), query: false } };
  }
  const url = new URL(req.url, "http://edge");
  const action = actionOf(req, url);
  const scope = signingService(req, url);
  if (scope !== undefined) {
    const service = SCOPES[scope];
    // JSON-protocol services always name the operation in X-Amz-Target.
    if (service === "sqs" || service === "lambda") return { service };
    return {
      unserved: {
        service: scope,
        action: action ?? `${req.method} ${url.pathname}`,
        query: action !== undefined,
      },
    };
  }
  if (LAMBDA_PATH.test(url.pathname)) return { service: "lambda" };
  if (action !== undefined && SQS_ACTIONS.has(action)) return { service: "sqs" };
  return {
    unserved: {
      service: "unknown (unsigned request)",
      action: action ?? `${req.method} ${url.pathname}`,
      query: action !== undefined,
    },
  };
}

/** The service in `Credential=<key>/<date>/<region>/<service>/aws4_request`, header or presigned query. */
function signingService(req: AwsRequest, url: URL): string | undefined {
  const credential =
    /Credential=([^,\s]+)/.exec(header(req, "authorization") ?? "")?.[1] ??
    url.searchParams.get("X-Amz-Credential");
  return credential?.split("/")[3];
}

function actionOf(req: AwsRequest, url: URL): string | undefined {
  const inQuery = url.searchParams.get("Action");
  if (inQuery !== null) return inQuery;
  if (!(header(req, "content-type") ?? "").startsWith("application/x-www-form-urlencoded")) return undefined;
  return new URLSearchParams(req.body.toString("utf8")).get("Action") ?? undefined;
}

function header(req: AwsRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
