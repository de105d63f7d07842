import { join } from "node:path";
import { type NatsServer, startNatsServer } from "@junction/local";
import { TestkitDisposedError } from "./errors.ts";
import { freePorts } from "./free-ports.ts";
import { getMonitoring, type Jsz, type Routez } from "./monitoring.ts";
import { makeTempDir, removeDir } from "./temp-dir.ts";
import { type WaitForOptions, waitFor } from "./wait-for.ts";

const CLUSTER_NAME = "junction-test";

export interface TestClusterOptions {
  /** Number of nodes; default 3. */
  size?: number;
}

export interface TestClusterNode {
  readonly name: string;
  /** Client URL; the same across restarts. */
  readonly url: string;
  readonly port: number;
  /** Monitoring URL of the current process (changes on restart). */
  readonly httpUrl: string;
  readonly storeDir: string;
  readonly running: boolean;
}

export interface TestCluster extends AsyncDisposable {
  readonly nodes: readonly TestClusterNode[];
  /** Client URLs of every node, for a client's server list. */
  readonly urls: readonly string[];
  /** Graceful stop of node `i`; its store is kept. Does not wait for the rest to re-elect. */
  stopNode(i: number): Promise<void>;
  /** SIGKILL node `i` (a crash) and wait for the exit. */
  killNode(i: number): Promise<void>;
  /** Starts node `i` again (same ports, name and store), then waits for the cluster to re-form. */
  restartNode(i: number): Promise<void>;
  /** Waits until every running node routes to every other and all agree on a JetStream meta leader. */
  waitForCluster(options?: WaitForOptions): Promise<void>;
  /** Stops every node and deletes the temp dir. Idempotent. */
  dispose(): Promise<void>;
}

interface NodeState {
  name: string;
  dir: string;
  port: number;
  clusterPort: number;
  server: NatsServer | undefined;
}

/**
 * `size` JetStream nodes clustered on 127.0.0.1, each with its own store and server name. Resolves
 * once routes are complete and a meta leader is elected. Clean up with
 * `t.after(() => cluster.dispose())` or `await using cluster = await startTestCluster()`.
 */
export async function startTestCluster({ size = 3 }: TestClusterOptions = {}): Promise<TestCluster> {
  const root = await makeTempDir("cluster");
  // Every node's config lists all route URLs, so cluster ports must be known before any starts.
  const clusterPorts = await freePorts(size);
  const routes = clusterPorts.map((port) => `nats://127.0.0.1:${port}`);
  const states: NodeState[] = clusterPorts.map((clusterPort, i) => ({
    name: `n${i}`,
    dir: join(root, `n${i}`),
    port: 0,
    clusterPort,
    server: undefined,
  }));
  let disposed = false;
  let disposing: Promise<void> | undefined;

  const start = async (state: NodeState) => {
    state.server = await startNatsServer({
      port: state.port,
      serverName: state.name,
      storeDir: join(state.dir, "store"),
      configDir: state.dir,
      cluster: { name: CLUSTER_NAME, port: state.clusterPort, routes },
    });
    state.port = state.server.port;
  };
  const nodeAt = (i: number): NodeState => {
    if (disposed) throw new TestkitDisposedError("startTestCluster");
    const state = states[i];
    if (state === undefined) throw new RangeError(`no node ${i} in a cluster of ${size}`);
    return state;
  };
  const stopNode = async (i: number) => {
    const state = nodeAt(i);
    const server = state.server;
    state.server = undefined;
    await server?.stop();
  };
  const dispose = () => {
    disposing ??= (async () => {
      await Promise.all(states.map((_, i) => stopNode(i)));
      disposed = true;
      await removeDir(root);
    })();
    return disposing;
  };
  const waitForCluster = (options?: WaitForOptions) =>
    waitFor(`cluster ${CLUSTER_NAME}`, () => clusterState(states), options);

  try {
    // Concurrently: a clustered JetStream node is only healthy once a quorum has elected a leader.
    const results = await Promise.allSettled(states.map(start));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    await waitForCluster();
  } catch (err) {
    await dispose();
    throw err;
  }

  const nodes: TestClusterNode[] = states.map((state) => ({
    name: state.name,
    port: state.port,
    url: `nats://127.0.0.1:${state.port}`,
    storeDir: join(state.dir, "store"),
    get httpUrl() {
      return state.server?.httpUrl ?? "";
    },
    get running() {
      return state.server !== undefined;
    },
  }));
  return {
    nodes,
    urls: nodes.map((node) => node.url),
    stopNode,
    killNode: async (i) => {
      const state = nodeAt(i);
      const server = state.server;
      state.server = undefined;
      server?.kill("SIGKILL");
      await server?.exited;
    },
    restartNode: async (i) => {
      await stopNode(i);
      await start(nodeAt(i));
      await waitForCluster();
    },
    waitForCluster,
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}

/** `true` when the running nodes form a full mesh with one agreed meta leader, else what is off. */
async function clusterState(states: readonly NodeState[]): Promise<true | string> {
  const running = states.filter((s) => s.server !== undefined);
  const problems: string[] = [];
  const leaders = new Set<string>();
  await Promise.all(
    running.map(async (state) => {
      const httpUrl = (state.server as NatsServer).httpUrl;
      const [routez, jsz] = await Promise.all([
        getMonitoring<Routez>(httpUrl, "/routez"),
        getMonitoring<Jsz>(httpUrl, "/jsz"),
      ]);
      // Count distinct peers: two routes to the same peer can exist briefly while they connect.
      const peers = new Set((routez?.routes ?? []).map((r) => r.remote_id)).size;
      if (peers !== running.length - 1)
        problems.push(`${state.name} has ${peers}/${running.length - 1} routes`);
      const leader = jsz?.meta_cluster?.leader;
      if (leader === undefined || leader === "") problems.push(`${state.name} knows no meta leader`);
      else leaders.add(leader);
    }),
  );
  if (leaders.size > 1) problems.push(`nodes disagree on the meta leader (${[...leaders].join(", ")})`);
  return problems.length === 0 ? true : problems.join("; ");
}
