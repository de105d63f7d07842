import type { ServerResponse } from "node:http";

/** Server-Sent Events on a raw response (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export interface SseWriter {
  /** Writes one event; `data` may hold line breaks (each line becomes a `data:` field). */
  event(name: string, data: string, id?: number): void;
  /** A comment line: ignored by clients, keeps proxies from closing an idle stream. */
  comment(text: string): void;
  /** Bytes written but not yet taken by the client. */
  readonly buffered: number;
  end(): void;
}

export function openSse(res: ServerResponse, headers: Readonly<Record<string, string>>): SseWriter {
  res.writeHead(200, {
    ...headers,
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    // Tells nginx-style proxies not to buffer the stream.
    "X-Accel-Buffering": "no",
  });
  // Headers go out now, so the client sees the stream open before the first event.
  res.flushHeaders();
  return {
    event(name, data, id) {
      let text = id === undefined ? `event: ${name}\n` : `id: ${id}\nevent: ${name}\n`;
      for (const line of data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
      res.write(`${text}\n`);
    },
    comment(text) {
      res.write(`: ${text}\n\n`);
    },
    get buffered() {
      return res.writableLength;
    },
    end() {
      if (!res.writableEnded) res.end();
    },
  };
}
