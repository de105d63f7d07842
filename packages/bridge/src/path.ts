/** Config paths as people read them: `routes[2].to[0].detail.agentId`. */
export type PathSegment = string | number;

export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(s)) out += out === "" ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Receives one problem at a config path; compile steps report every problem instead of stopping. */
export type ReportProblem = (path: readonly PathSegment[], message: string) => void;
