import type { IncomingHttpHeaders } from "node:http";

export type EdgeService = "sqs" | "dynamodb" | "eventbridge" | "lambda";

/**
 * Which service a request is for, from headers and path only (the body stays unread for the
 * emulators that read it themselves). JSON-protocol clients name the operation in `X-Amz-Target`;
 * Lambda is REST (`/2015-03-31/functions/…`); what is left is SQS's query protocol (form posts,
 * queue-URL paths).
 */
export function routeOf(method: string, url: string, headers: IncomingHttpHeaders): EdgeService | undefined {
  const target = headerText(headers["x-amz-target"]);
  if (target !== undefined) {
    if (target.startsWith("AmazonSQS.")) return "sqs";
    if (target.startsWith("DynamoDB_") || target.startsWith("DynamoDBStreams_")) return "dynamodb";
    if (target.startsWith("AWSEvents.")) return "eventbridge";
    return undefined;
  }
  if (url.startsWith("/2015-03-31/functions")) return "lambda";
  const contentType = headerText(headers["content-type"]) ?? "";
  if (method === "POST" && contentType.startsWith("application/x-www-form-urlencoded")) return "sqs";
  if (/[?&]Action=/.test(url)) return "sqs";
  return undefined;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
