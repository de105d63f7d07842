/** Hosts only this machine can reach: listeners there need no auth. */
export const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|::1|\[::1\])$/i;

/** Whether a `host:port` listener is reachable from this machine only. */
export function isLoopbackListen(listen: string): boolean {
  return LOOPBACK.test(listen.slice(0, listen.lastIndexOf(":")));
}
