import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../aws/index.ts";

/**
 * Queue URLs. The emulator keys queues by one fixed URL (it is always called with `Host: localhost`);
 * clients see path-style URLs on the host they used (`http://127.0.0.1:4566/000000000000/name`), so
 * any SDK or CLI can send to the URL it was given. Any URL ending in `/<account>/<name>` names a queue.
 */
export const EMULATOR_HOST = "localhost";

export function queueName(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url, "http://queue").pathname;
  } catch {
    return undefined;
  }
  return /^\/[^/]+\/([^/]+)\/?$/.exec(path)?.[1];
}

/** The URL the emulator knows a queue by. */
export function emulatorUrl(name: string): string {
  return `http://sqs.${LOCAL_REGION}.${EMULATOR_HOST}/${LOCAL_ACCOUNT_ID}/${name}`;
}

/** The URL a client reaching the edge at `host` is given. */
export function clientUrl(emulatorQueueUrl: string, host: string): string {
  const name = queueName(emulatorQueueUrl);
  return name === undefined ? emulatorQueueUrl : `http://${host}/${LOCAL_ACCOUNT_ID}/${name}`;
}
