/** KV keys allow `[-/_=.\w]`: plain keys stay readable, anything else is base64url under `b64.`. */
export function kvSafeKey(key: string): string {
  return /^[-_=A-Za-z0-9]+$/.test(key) ? key : `b64.${Buffer.from(key).toString("base64url")}`;
}
