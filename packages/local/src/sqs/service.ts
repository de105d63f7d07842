import { createHash, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type AwsRequest, AwsRequestError, type LocalService } from "../aws/index.ts";
import { SERVED_SQS_ACTIONS, SQS_ACTIONS } from "./actions.ts";
import { queryCodeOf } from "./errors.ts";
import { DedupWindow, type FirstSend } from "./fifo-dedup.ts";
import { type MessageAttributeValue, md5OfAttributes, md5OfBody } from "./md5.ts";
import { parseQueryRequest } from "./query-input.ts";
import { queryError, queryResponse } from "./query-output.ts";
import { clientUrl, emulatorUrl, queueName } from "./queue-urls.ts";

/** What the emulator answered one JSON-protocol call. */
export interface SqsAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** The SQS emulator, called with JSON-protocol input and queue URLs as it knows them. */
export interface SqsEmulator {
  call(action: string, input: Record<string, unknown>): Promise<SqsAnswer>;
  close(): Promise<void>;
}

type Input = Record<string, unknown>;

interface FifoSettings {
  readonly fifo: boolean;
  readonly contentBased: boolean;
  readonly perGroup: boolean;
}

/**
 * SQS at the edge: both protocols (JSON with `X-Amz-Target: AmazonSQS.*`, and the query protocol as
 * form posts or GET query strings, answered in XML), queue URLs on the client's host, and FIFO
 * deduplication over the whole 5-minute window. The emulator does the rest.
 */
export function createLocalSqs(
  emulator: SqsEmulator,
  dedup = new DedupWindow(),
): LocalService & {
  /** Calls an SQS action as a JSON-protocol client would (EventBridge's SQS targets use it). */
  call(action: string, input: Input, host: string): Promise<SqsAnswer>;
} {
  const settings = new Map<string, Promise<FifoSettings | undefined>>();

  const fifoSettings = (url: string): Promise<FifoSettings | undefined> => {
    let known = settings.get(url);
    if (known === undefined) {
      known = emulator
        .call("GetQueueAttributes", { QueueUrl: url, AttributeNames: ["All"] })
        .then(({ status, body }) => {
          if (status !== 200) return undefined;
          const attributes = (body.Attributes ?? {}) as Record<string, string>;
          return {
            fifo: attributes.FifoQueue === "true",
            contentBased: attributes.ContentBasedDeduplication === "true",
            perGroup: attributes.DeduplicationScope === "messageGroup",
          };
        });
      settings.set(url, known);
      void known.then((s) => s === undefined && settings.delete(url));
    }
    return known;
  };

  /** The window's key for one message, or undefined when it is not deduplicated at the edge. */
  const dedupKey = (fifo: FifoSettings | undefined, entry: Input): string | undefined => {
    if (fifo?.fifo !== true) return undefined;
    const body = entry.MessageBody;
    const id =
      typeof entry.MessageDeduplicationId === "string"
        ? entry.MessageDeduplicationId
        : fifo.contentBased && typeof body === "string"
          ? createHash("sha256").update(body, "utf8").digest("hex")
          : undefined;
    if (id === undefined) return undefined; // the emulator reports the missing id
    return fifo.perGroup ? `${String(entry.MessageGroupId)}\u0000${id}` : id;
  };

  const duplicateAnswer = (first: FirstSend, entry: Input): Record<string, unknown> => {
    const attributesMd5 = md5OfAttributes(
      (entry.MessageAttributes ?? {}) as Record<string, MessageAttributeValue>,
    );
    return {
      MessageId: first.MessageId,
      MD5OfMessageBody: md5OfBody(String(entry.MessageBody ?? "")),
      ...(attributesMd5 === undefined ? {} : { MD5OfMessageAttributes: attributesMd5 }),
      ...(first.SequenceNumber === undefined ? {} : { SequenceNumber: first.SequenceNumber }),
    };
  };

  const sendMessage = async (input: Input): Promise<SqsAnswer> => {
    const url = String(input.QueueUrl);
    const key = dedupKey(await fifoSettings(url), input);
    if (key === undefined) return emulator.call("SendMessage", input);
    // A first send still under way that then fails sent nothing: this one is sent instead.
    const first = await dedup.find(url, key)?.catch(() => undefined);
    if (first !== undefined) return { status: 200, body: duplicateAnswer(first, input) };
    const answer = emulator.call("SendMessage", input);
    dedup.remember(url, key, answer.then(firstSendOf));
    return answer;
  };

  const sendMessageBatch = async (input: Input): Promise<SqsAnswer> => {
    const url = String(input.QueueUrl);
    const fifo = await fifoSettings(url);
    const entries = Array.isArray(input.Entries) ? (input.Entries as Input[]) : [];
    if (fifo?.fifo !== true || entries.length === 0) return emulator.call("SendMessageBatch", input);
    const forwarded: Input[] = [];
    const duplicates: { entry: Input; first: Promise<FirstSend> }[] = [];
    const settle: ((answer: Promise<SqsAnswer>) => void)[] = [];
    for (const entry of entries) {
      const key = dedupKey(fifo, entry);
      const first = key === undefined ? undefined : dedup.find(url, key);
      if (first !== undefined) {
        duplicates.push({ entry, first });
        continue;
      }
      forwarded.push(entry);
      if (key === undefined) continue;
      let resolve!: (first: FirstSend) => void;
      let reject!: (err: unknown) => void;
      const pending = new Promise<FirstSend>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      dedup.remember(url, key, pending);
      settle.push((answer) =>
        answer.then(({ status, body }) => {
          const ok = (body.Successful as Input[] | undefined)?.find((s) => s.Id === entry.Id);
          if (status === 200 && ok !== undefined) resolve(firstSendOf({ status, body: ok }));
          else reject(new Error("not sent"));
        }, reject),
      );
    }
    const answer: Promise<SqsAnswer> =
      forwarded.length === 0
        ? Promise.resolve({ status: 200, body: { Successful: [], Failed: [] } })
        : emulator.call("SendMessageBatch", { ...input, Entries: forwarded });
    for (const done of settle) done(answer);
    const { status, body } = await answer;
    if (status !== 200) return { status, body };
    const successful = [...((body.Successful as Input[] | undefined) ?? [])];
    const failed = [...((body.Failed as Input[] | undefined) ?? [])];
    for (const { entry, first } of duplicates) {
      try {
        successful.push({ Id: entry.Id, ...duplicateAnswer(await first, entry) });
      } catch {
        failed.push({
          Id: entry.Id,
          SenderFault: false,
          Code: "InternalError",
          Message: "the first send of this deduplication id failed",
        });
      }
    }
    return { status, body: { Successful: successful, Failed: failed } };
  };

  const call = async (action: string, input: Input, host: string): Promise<SqsAnswer> => {
    if (!SERVED_SQS_ACTIONS.has(action))
      throw new AwsRequestError(
        SQS_ACTIONS.has(action) ? "UnsupportedOperation" : "InvalidAction",
        SQS_ACTIONS.has(action) ? `the local SQS does not serve ${action}` : `SQS has no action ${action}`,
      );
    const toEmulator = { ...input };
    if (typeof input.QueueUrl === "string") {
      const name = queueName(input.QueueUrl);
      if (name === undefined)
        throw new AwsRequestError(
          "InvalidAddress",
          `The address ${input.QueueUrl} is not valid for this endpoint.`,
        );
      toEmulator.QueueUrl = emulatorUrl(name);
    }
    const answer =
      action === "SendMessage"
        ? await sendMessage(toEmulator)
        : action === "SendMessageBatch"
          ? await sendMessageBatch(toEmulator)
          : await emulator.call(action, toEmulator);
    if (answer.status === 200 && typeof toEmulator.QueueUrl === "string") {
      if (action === "DeleteQueue") dedup.forget(toEmulator.QueueUrl);
      if (action === "DeleteQueue" || action === "SetQueueAttributes") settings.delete(toEmulator.QueueUrl);
    }
    return { status: answer.status, body: withClientUrls(answer.body, host) };
  };

  /**
   * A long poll whose caller hung up (a receiver stopping, a reload) may still have taken messages: they
   * go back to the queue at once instead of staying in flight, unseen, for the visibility timeout.
   */
  const handBack = async (input: Input, body: Record<string, unknown>, host: string): Promise<void> => {
    const messages = Array.isArray(body.Messages) ? (body.Messages as { ReceiptHandle?: string }[]) : [];
    if (messages.length === 0 || typeof input.QueueUrl !== "string") return;
    await call(
      "ChangeMessageVisibilityBatch",
      {
        QueueUrl: input.QueueUrl,
        Entries: messages.map((m, i) => ({
          Id: String(i),
          ReceiptHandle: m.ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      },
      host,
    );
  };

  return {
    call,
    async handle(req: AwsRequest, res: ServerResponse) {
      const host = typeof req.headers.host === "string" ? req.headers.host : "127.0.0.1";
      const target = req.headers["x-amz-target"];
      const json = typeof target === "string";
      const requestId = randomUUID();
      let action = "";
      try {
        let input: Input;
        if (json) {
          action = target.slice(target.indexOf(".") + 1);
          input = req.body.length === 0 ? {} : (JSON.parse(req.body.toString("utf8")) as Input);
        } else {
          const parsed = parseQueryRequest(queryParameters(req));
          if (parsed.action === undefined)
            throw new AwsRequestError("MissingAction", "The request must contain the parameter Action.");
          action = parsed.action;
          input = parsed.input;
          // Older clients post to the queue URL itself instead of naming it.
          const path = new URL(req.url, "http://edge").pathname;
          if (input.QueueUrl === undefined && queueName(path) !== undefined) input.QueueUrl = path;
        }
        const { status, body } = await call(action, input, host);
        if (
          action === "ReceiveMessage" &&
          status === 200 &&
          (res.destroyed || res.socket?.destroyed !== false)
        )
          return await handBack(input, body, host);
        if (status === 200) return reply(res, json, action, body, requestId);
        const code = String(body.__type ?? "InternalError").replace(/^.*#/, "");
        return replyError(res, json, status, code, String(body.message ?? ""), requestId);
      } catch (err) {
        if (err instanceof AwsRequestError)
          return replyError(res, json, err.status, err.type, err.message, requestId);
        if (err instanceof SyntaxError)
          return replyError(
            res,
            json,
            400,
            "SerializationException",
            "the request body is not valid JSON",
            requestId,
          );
        throw err;
      }
    },
  };
}

function firstSendOf({ status, body }: SqsAnswer): FirstSend {
  if (status !== 200) throw new Error("not sent");
  return {
    MessageId: String(body.MessageId),
    ...(typeof body.SequenceNumber === "string" ? { SequenceNumber: body.SequenceNumber } : {}),
  };
}

function withClientUrls(body: Record<string, unknown>, host: string): Record<string, unknown> {
  const out = { ...body };
  if (typeof out.QueueUrl === "string") out.QueueUrl = clientUrl(out.QueueUrl, host);
  if (Array.isArray(out.QueueUrls)) out.QueueUrls = out.QueueUrls.map((u) => clientUrl(String(u), host));
  return out;
}

function queryParameters(req: AwsRequest): URLSearchParams {
  const params = new URLSearchParams(new URL(req.url, "http://edge").search);
  const contentType = String(req.headers["content-type"] ?? "");
  if (contentType.startsWith("application/x-www-form-urlencoded"))
    for (const [name, value] of new URLSearchParams(req.body.toString("utf8"))) params.append(name, value);
  return params;
}

function reply(
  res: ServerResponse,
  json: boolean,
  action: string,
  body: Record<string, unknown>,
  requestId: string,
) {
  const text = json ? JSON.stringify(body) : queryResponse(action, body, requestId);
  res.writeHead(200, {
    "Content-Type": json ? "application/x-amz-json-1.0" : "text/xml",
    "Content-Length": Buffer.byteLength(text),
    "x-amzn-RequestId": requestId,
  });
  res.end(text);
}

function replyError(
  res: ServerResponse,
  json: boolean,
  status: number,
  code: string,
  message: string,
  requestId: string,
) {
  const sender = status < 500;
  const queryCode = queryCodeOf(code);
  const text = json
    ? JSON.stringify({ __type: `com.amazonaws.sqs#${code}`, message })
    : queryError(queryCode, message, sender, requestId);
  res.writeHead(status, {
    "Content-Type": json ? "application/x-amz-json-1.0" : "text/xml",
    "Content-Length": Buffer.byteLength(text),
    "x-amzn-RequestId": requestId,
    "x-amzn-query-error": `${queryCode};${sender ? "Sender" : "Receiver"}`,
  });
  res.end(text);
}
