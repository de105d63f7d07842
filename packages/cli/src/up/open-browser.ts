import { spawn } from "node:child_process";

/**
 * Opens `url` in the desktop's browser (`junction up --open`), where there is one: `open` on macOS,
 * `start` on Windows, `xdg-open` elsewhere. False, with nothing started, when there is no display or
 * the opener is missing; the caller prints the URL instead.
 */
export function openBrowser(url: string): Promise<boolean> {
  const [command, args] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", "", url]]
        : ["xdg-open", [url]];
  if (process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "ignore", detached: true });
    child.once("error", () => resolve(false));
    child.once("spawn", () => {
      child.unref();
      resolve(true);
    });
  });
}
