import { readFileSync } from "node:fs";

/** `NATS_URL`, else the stack `junction up` runs in this directory, else the local default. */
export function natsUrl(): string {
  if (process.env.NATS_URL) return process.env.NATS_URL;
  try {
    const endpoints = JSON.parse(readFileSync(".junction/endpoints.json", "utf8")) as { nats?: unknown };
    if (typeof endpoints.nats === "string") return endpoints.nats;
  } catch {
    // no stack here: fall through
  }
  return "nats://127.0.0.1:4222";
}
