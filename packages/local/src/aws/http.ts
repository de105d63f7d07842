import type { IncomingMessage, ServerResponse } from "node:http";
import { JunctionError } from "@junction/sdk";

/** A request the edge endpoint hands to one local service, body already read. */
export interface AwsRequest {
  readonly method: string;
  /** Path and query, as received. */
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: Buffer;
}

/** One local AWS service behind the edge endpoint. */
export interface LocalService {
  handle(req: AwsRequest, res: ServerResponse): void | Promise<void>;
}

export async function readBody(req: IncomingMessage, limitBytes = 20 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new RangeError(`request body over ${limitBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A JSON response the way AWS JSON-protocol services send them. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = "application/x-amz-json-1.1",
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": contentType,
    "Content-Length": Buffer.byteLength(text),
    "x-amzn-RequestId": crypto.randomUUID(),
  });
  res.end(text);
}

/** An AWS error: the SDKs read the type from `__type` (and `x-amzn-ErrorType`) and show `message`. */
export function sendAwsError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  contentType?: string,
): void {
  res.setHeader("x-amzn-ErrorType", type);
  sendJson(res, status, { __type: type, message }, contentType);
}

/** An AWS query-protocol error (XML), for SQS and for query-protocol requests the edge cannot serve. */
export function queryErrorXml(
  code: string,
  message: string,
  sender: boolean,
  requestId: string,
  xmlns?: string,
): string {
  const ns = xmlns === undefined ? "" : ` xmlns="${xmlns}"`;
  return `<?xml version="1.0"?><ErrorResponse${ns}><Error><Type>${sender ? "Sender" : "Receiver"}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message><Detail/></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

export function sendQueryError(res: ServerResponse, status: number, code: string, message: string): void {
  const requestId = crypto.randomUUID();
  const text = queryErrorXml(code, message, status < 500, requestId);
  res.writeHead(status, {
    "Content-Type": "text/xml",
    "Content-Length": Buffer.byteLength(text),
    "x-amzn-RequestId": requestId,
  });
  res.end(text);
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An AWS error the edge answers itself: AWS's error type (`__type`), its message and HTTP status. */
export class AwsRequestError extends JunctionError {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super("ERR_LOCAL_AWS_REQUEST", message);
  }
}
