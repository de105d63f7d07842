// A minimal SSE client over node:http, so tests can read events one by one and hang up mid-stream.
import { type IncomingMessage, request } from "node:http";

export interface SseEvent {
  readonly event: string;
  readonly data: string;
  readonly id?: string;
}

export interface SseConnection {
  readonly status: number;
  readonly headers: IncomingMessage["headers"];
  /** Events as they arrive; `comments` counts `:` lines (heartbeats). */
  readonly events: SseEvent[];
  readonly comments: number;
  /** The next event (waits for it), or undefined once the stream ended. */
  next(): Promise<SseEvent | undefined>;
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>;
  /** The body text, for answers that are not a stream. */
  text(): Promise<string>;
  /** Hangs up. */
  close(): void;
}

export function openSse(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json", accept: "text/event-stream", ...headers },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      const events: SseEvent[] = [];
      let comments = 0;
      let read = 0;
      let buffer = "";
      let raw = "";
      let wake: (() => void) | undefined;
      let finished = false;
      const ended = new Promise<void>((done) => {
        const end = () => {
          finished = true;
          wake?.();
          done();
        };
        res.on("end", end);
        res.on("close", end);
        res.on("error", end);
      });
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        raw += chunk;
        buffer += chunk;
        let at = buffer.indexOf("\n\n");
        while (at >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          at = buffer.indexOf("\n\n");
          const fields = { event: "message", data: [] as string[], id: undefined as string | undefined };
          let comment = true;
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) continue;
            comment = false;
            const colon = line.indexOf(":");
            const name = line.slice(0, colon);
            const value = line.slice(colon + 1).replace(/^ /, "");
            if (name === "event") fields.event = value;
            else if (name === "data") fields.data.push(value);
            else if (name === "id") fields.id = value;
          }
          if (comment) comments++;
          else {
            events.push({
              event: fields.event,
              data: fields.data.join("\n"),
              ...(fields.id === undefined ? {} : { id: fields.id }),
            });
          }
        }
        wake?.();
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        get comments() {
          return comments;
        },
        async next() {
          while (read >= events.length && !finished) {
            await new Promise<void>((r) => {
              wake = r;
            });
          }
          return events[read++];
        },
        ended,
        async text() {
          await ended;
          return raw;
        },
        close: () => {
          req.destroy();
          res.destroy();
        },
      });
    });
    req.end(JSON.stringify(body));
  });
}
