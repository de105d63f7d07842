export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly text: string;
}

/** A horizontal bar chart for the terminal, scaled to the largest value. */
export function formatBars(bars: readonly Bar[], width = 40): string {
  const max = Math.max(...bars.map((b) => b.value), Number.MIN_VALUE);
  const labelWidth = Math.max(...bars.map((b) => b.label.length));
  return bars
    .map((b) => {
      const cells = Math.max(b.value > 0 ? 1 : 0, Math.round((b.value / max) * width));
      return `${b.label.padStart(labelWidth)} │${"█".repeat(cells)} ${b.text}\n`;
    })
    .join("");
}
