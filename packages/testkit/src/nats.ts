import { join } from "node:path";
import { type NatsServer, startNatsServer } from "@junction/local";
import { TestkitDisposedError } from "./errors.ts";
import { makeTempDir, removeDir } from "./temp-dir.ts";

export interface TestNatsOptions {
  /** Default true. */
  jetstream?: boolean;
  /** Appended to the server config (auth, TLS …). */
  extraConfig?: string;
}

export interface TestNats extends AsyncDisposable {
  /** Client URL; the same across `restart()`. */
  readonly url: string;
  readonly port: number;
  /** Monitoring URL of the current process (changes on `restart()`). */
  readonly httpUrl: string;
  /** The temp dir holding config, ports file and store; deleted by `dispose()`. */
  readonly dir: string;
  readonly storeDir: string | undefined;
  readonly running: boolean;
  /** Graceful stop; keeps the store so `restart()` finds its JetStream data. */
  stop(): Promise<void>;
  /** Starts again (stopping first if running) on the same client port and store. */
  restart(): Promise<void>;
  /** SIGKILL (a crash: no clean JetStream shutdown) and wait for the exit. */
  kill(): Promise<void>;
  /** Stops and deletes the temp dir. Idempotent; safe to call from `t.after` even if a test failed. */
  dispose(): Promise<void>;
}

/**
 * A real nats-server on 127.0.0.1 random ports in a fresh temp dir. Clean up with
 * `t.after(() => nats.dispose())` or `await using nats = await startTestNats()`.
 */
export async function startTestNats({
  jetstream = true,
  extraConfig,
}: TestNatsOptions = {}): Promise<TestNats> {
  const dir = await makeTempDir("nats");
  const storeDir = jetstream ? join(dir, "store") : undefined;
  const start = (port: number) =>
    startNatsServer({
      port,
      jetstream,
      configDir: dir,
      ...(storeDir === undefined ? {} : { storeDir }),
      ...(extraConfig === undefined ? {} : { extraConfig }),
    });

  let server: NatsServer;
  try {
    server = await start(0);
  } catch (err) {
    await removeDir(dir);
    throw err;
  }
  const { url, port } = server;
  let running = true;
  let disposed = false;

  const stop = async () => {
    running = false;
    await server.stop();
  };
  const dispose = async () => {
    disposed = true;
    await stop();
    await removeDir(dir);
  };
  return {
    url,
    port,
    dir,
    storeDir,
    get httpUrl() {
      return server.httpUrl;
    },
    get running() {
      return running;
    },
    stop,
    restart: async () => {
      if (disposed) throw new TestkitDisposedError("startTestNats");
      await stop();
      server = await start(port);
      running = true;
    },
    kill: async () => {
      running = false;
      server.kill("SIGKILL");
      await server.exited;
    },
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}
