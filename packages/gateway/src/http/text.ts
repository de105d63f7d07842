/**
 * True when `text` holds a C0 control character or DEL (a tab is fine when `tab`): such text cannot go
 * into a NATS header or subject, and would split a log line.
 */
export function hasControl(text: string, tab = false): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && !(tab && c === 9)) || c === 0x7f) return true;
  }
  return false;
}
