/** One `/healthz` probe: true on 200. nats-server answers 503 until JetStream has a meta leader. */
export async function isHealthy(httpUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${httpUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}
