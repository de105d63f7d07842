import { connect } from "node:net";

/**
 * Connects to a NATS client URL with a raw TCP socket and returns the `INFO` line the server sends
 * first, parsed. Proves a server is really listening without needing a NATS client library.
 */
export function readServerInfo(url: string, timeoutMs = 2_000): Promise<Record<string, unknown>> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = "";
    socket.setEncoding("utf8");
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`no INFO from ${url} within ${timeoutMs} ms`)),
    );
    socket.on("error", reject);
    socket.on("data", (chunk: string) => {
      data += chunk;
      const end = data.indexOf("\r\n");
      if (end === -1) return;
      socket.destroy();
      const line = data.slice(0, end);
      if (!line.startsWith("INFO ")) reject(new Error(`expected INFO from ${url}, got: ${line}`));
      else resolve(JSON.parse(line.slice("INFO ".length)) as Record<string, unknown>);
    });
  });
}
