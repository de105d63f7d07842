// Secrets, hop-by-hop headers and names Junction writes itself never travel from HTTP into NATS.
const UNFORWARDABLE = new Set([
  "authorization",
  "x-api-key",
  "connection",
  "content-length",
  "host",
  "keep-alive",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * Whether an HTTP request header may be passed on to NATS. The config check reports the ones that may
 * not, and the header forwarder drops them whatever its allow-list says.
 */
export function isForwardable(name: string): boolean {
  const lower = name.toLowerCase();
  return !UNFORWARDABLE.has(lower) && !lower.startsWith("junction-") && !lower.startsWith("nats-");
}
