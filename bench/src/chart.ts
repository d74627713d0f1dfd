// Renders every ratio the benchmarks measured as a plain SVG bar chart (no charting dependency):
// one bar per comparison on a log scale, the 1× line, each target marked, the machine and date written.

export interface ChartRow {
  readonly suite: string;
  readonly label: string;
  readonly speedup: number;
  readonly min?: number;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Width in px of a 12 px system-ui label: an upper bound per character, so no label is ever cut. */
const labelPixels = (s: string) => Math.ceil(s.length * 6.6);

const labelOf = (row: ChartRow) => `${row.suite}: ${row.label}`;

/**
 * @example
 * writeFileSync("docs/bench.svg", renderChart(rows, "2026-11-25 · AMD EPYC × 2 · Node v20.20.2"));
 */
export function renderChart(rows: readonly ChartRow[], caption: string): string {
  // As wide as the longest label needs (labels used to be clipped at ~86 characters).
  const labelWidth = Math.max(320, ...rows.map((row) => labelPixels(labelOf(row)) + 16));
  const plotWidth = 420;
  const rowHeight = 22;
  const top = 46;
  const height = top + rows.length * rowHeight + 40;
  const width = labelWidth + plotWidth + 90;
  const lo = Math.log10(0.1);
  const hi = Math.log10(Math.max(30, ...rows.map((r) => r.speedup * 1.2)));
  const x = (v: number) => labelWidth + ((Math.log10(Math.max(v, 0.1)) - lo) / (hi - lo)) * plotWidth;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<title>goggles benchmark ratios against peer libraries, ${escapeXml(caption)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="20" font-size="15" font-weight="600">goggles vs the libraries users would pick instead (speedup, log scale)</text>`,
    `<text x="12" y="36" fill="#555">${escapeXml(caption)} · bar = peer median ÷ goggles median, same run · tick = target</text>`,
  ];
  for (const tick of [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]) {
    if (Math.log10(tick) > hi) break;
    const tx = x(tick);
    parts.push(
      `<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${height - 30}" stroke="${tick === 1 ? "#333" : "#ddd"}" stroke-width="${tick === 1 ? 1.5 : 1}"/>`,
      `<text x="${tx}" y="${height - 16}" text-anchor="middle" fill="#555">${tick}×</text>`,
    );
  }
  rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    const met = row.min === undefined ? undefined : row.speedup >= row.min;
    const color = met === false ? "#d9534f" : row.speedup >= 1 ? "#2e8b57" : "#e0a030";
    const x0 = x(Math.min(1, row.speedup));
    const x1 = x(Math.max(1, row.speedup));
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeXml(labelOf(row))}</text>`,
      `<rect x="${x0}" y="${y + 4}" width="${Math.max(1, x1 - x0)}" height="${rowHeight - 8}" fill="${color}" rx="2"/>`,
      `<text x="${x1 + 6}" y="${y + 15}" fill="#222">${row.speedup.toFixed(2)}×${met === false ? " (target missed)" : ""}</text>`,
    );
    if (row.min !== undefined) {
      const tx = x(row.min);
      parts.push(
        `<line x1="${tx}" y1="${y + 1}" x2="${tx}" y2="${y + rowHeight - 1}" stroke="#000" stroke-width="2"/>`,
      );
    }
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
