import { createHash } from "node:crypto";
import type { ApiKeyConfig } from "../config/schema.ts";
import type { Principal } from "./principal.ts";

export type ConfigProblems = { path: string; message: string }[];

/**
 * API keys are held as SHA-256 digests only: from the config (`sha256`) or hashed at start-up from
 * an environment variable (`env`). A presented key is hashed and looked up; the digest of a secret
 * reveals nothing useful, so a map lookup needs no constant-time comparison.
 */
export function createApiKeys(
  keys: Readonly<Record<string, ApiKeyConfig>>,
  env: Readonly<Record<string, string | undefined>>,
  problems: ConfigProblems,
  at = "gateway.auth",
): (presented: string) => Principal | undefined {
  const byDigest = new Map<string, Principal>();
  for (const [name, key] of Object.entries(keys)) {
    let digest = key.sha256?.toLowerCase();
    if (key.env !== undefined) {
      const value = env[key.env];
      if (value === undefined || value === "") {
        problems.push({ path: `${at}.apiKeys.${name}.env`, message: `${key.env} is not set` });
        continue;
      }
      digest = sha256(value);
    }
    if (digest === undefined) continue;
    byDigest.set(digest, {
      kind: "apiKey",
      credential: name,
      scopes: new Set(key.scopes ?? []),
      ...(key.tenants === undefined ? {} : { tenants: key.tenants === "*" ? "*" : new Set(key.tenants) }),
    });
  }
  return (presented) => byDigest.get(sha256(presented));
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
