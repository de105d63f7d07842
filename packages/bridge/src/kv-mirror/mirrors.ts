import type { KvMirrorConfig } from "./layout.ts";
import { createKvMirror, type KvMirror, type KvMirrorDeps } from "./mirror.ts";

/** Every `kv:` entry's mirror, started and stopped together (what `junction run` / `up` run). */
export interface KvMirrors {
  readonly mirrors: readonly KvMirror[];
  /** Starts them all; if one cannot start, stops the others and throws its `KvMirrorError`. */
  start(): Promise<void>;
  stop(): Promise<void>;
  ready(): boolean;
}

export function createKvMirrors(entries: readonly KvMirrorConfig[], deps: KvMirrorDeps): KvMirrors {
  const mirrors = entries.map((entry) => createKvMirror(entry, deps));
  const stop = async () => {
    await Promise.all(mirrors.map((m) => m.stop()));
  };
  return {
    mirrors,
    async start() {
      const results = await Promise.allSettled(mirrors.map((m) => m.start()));
      const failed = results.find((r) => r.status === "rejected");
      if (failed !== undefined) {
        await stop();
        throw failed.reason;
      }
    },
    stop,
    ready: () => mirrors.every((m) => m.ready()),
  };
}
