/** One bar of a ratio chart. */
export interface SvgBar {
  readonly label: string;
  /** The ratio: 1 = as good as the baseline, higher is better. */
  readonly value: number;
}

const ROW = 26;
const LABEL = 300;
const PLOT = 360;
const xmlText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * A horizontal bar chart of ratios against a baseline as a standalone SVG, with the 1.0× line drawn:
 * the report's charts must be produced by the benchmark run itself, so this is a few lines of SVG
 * rather than a browser-side charting library.
 */
export function svgRatioBars(title: string, bars: readonly SvgBar[]): string {
  const max = Math.max(2, ...bars.map((b) => b.value)) * 1.1;
  const x = (v: number) => LABEL + (Math.max(0, v) / max) * PLOT;
  const height = 40 + bars.length * ROW + 24;
  const rows = bars.map((b, i) => {
    const y = 40 + i * ROW;
    const colour = b.value >= 1 ? "#2b8a3e" : "#c92a2a";
    return [
      `<text x="${LABEL - 8}" y="${y + 16}" text-anchor="end">${xmlText(b.label)}</text>`,
      `<rect x="${LABEL}" y="${y + 4}" width="${(x(b.value) - LABEL).toFixed(1)}" height="${ROW - 8}" fill="${colour}"/>`,
      `<text x="${(x(b.value) + 6).toFixed(1)}" y="${y + 16}">${b.value.toFixed(2)}×</text>`,
    ].join("");
  });
  const one = x(1).toFixed(1);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${LABEL + PLOT + 80}" height="${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" font-weight="bold">${xmlText(title)}</text>`,
    ...rows,
    `<line x1="${one}" y1="34" x2="${one}" y2="${height - 20}" stroke="#555" stroke-dasharray="4 3"/>`,
    `<text x="${one}" y="${height - 6}" text-anchor="middle" fill="#555">1.0× = baseline</text>`,
    "</svg>",
    "",
  ].join("\n");
}
