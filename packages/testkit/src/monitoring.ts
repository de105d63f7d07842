/** GET a nats-server monitoring endpoint (`/routez`, `/jsz`, `/varz` …) as JSON; undefined if down. */
export async function getMonitoring<T>(httpUrl: string, path: string): Promise<T | undefined> {
  try {
    const res = await fetch(`${httpUrl}${path}`, { signal: AbortSignal.timeout(1_000) });
    if (res.status !== 200) {
      await res.body?.cancel();
      return undefined;
    }
    return (await res.json()) as T;
  } catch {
    return undefined;
  }
}

/** The parts of `/routez` the testkit reads (nats-server 2.9). */
export interface Routez {
  num_routes: number;
  routes: { remote_id: string }[] | null;
}

/** The parts of `/jsz` the testkit reads; `meta_cluster` only exists when JetStream is clustered. */
export interface Jsz {
  meta_cluster?: { name: string; leader?: string; cluster_size: number };
}
