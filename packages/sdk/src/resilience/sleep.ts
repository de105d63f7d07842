/** Waits `ms`; resolves early (never rejects) once `signal` aborts: the caller checks `signal.aborted`. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The one sleep of Junction: abortable, and it frees its timer and listener either way. */
export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
