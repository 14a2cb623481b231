/**
 * The box table Keras 3's `print_summary` draws through rich, at the width it uses when the output is not a wide
 * terminal (80 columns → line_length 76): fixed column widths from Keras's positions, reduced the way rich reduces
 * them, cells word-wrapped, and words too long for their column cut with "…".
 */

/** Python's round(): halves go to the even neighbour. */
function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Content widths of the columns: Keras's `int(position × line_length) − previous`, then rich's `ratio_reduce`. */
export function columnWidths(lineLength: number, positions: readonly number[]): number[] {
  const widths: number[] = [];
  let current = 0;
  for (const p of positions) {
    const w = Math.floor(p * lineLength) - current;
    widths.push(w);
    current += w;
  }
  const padded = widths.map((w) => w + 2);
  const available = lineLength - (positions.length + 1);
  let excess = padded.reduce((a, b) => a + b, 0) - available;
  if (excess <= 0) return widths;
  let ratioLeft = padded.length;
  return padded.map((value) => {
    const distributed = Math.min(value, pyRound(excess / ratioLeft));
    excess -= distributed;
    ratioLeft -= 1;
    return value - distributed - 2;
  });
}

/** rich's greedy word wrap at spaces; a word longer than the width stays alone and is cut to width − 1 plus "…". */
export function wrapCell(text: string, width: number): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  lines.push(line);
  return lines.map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
}

export function drawTable(
  header: string[],
  rows: string[][],
  widths: number[],
  rightAligned: readonly number[],
): string[] {
  const pad = (text: string, i: number) =>
    ` ${rightAligned.includes(i) ? text.padStart(widths[i]) : text.padEnd(widths[i])} `;
  const rule = (l: string, m: string, r: string, h: string) => l + widths.map((w) => h.repeat(w + 2)).join(m) + r;
  const block = (cells: string[], edge: string) => {
    const wrapped = cells.map((c, i) => wrapCell(c, widths[i]));
    const height = Math.max(...wrapped.map((w) => w.length));
    const out: string[] = [];
    for (let k = 0; k < height; k++) out.push(edge + wrapped.map((w, i) => pad(w[k] ?? '', i)).join(edge) + edge);
    return out;
  };
  const out = [rule('┏', '┳', '┓', '━'), ...block(header, '┃'), rule('┡', '╇', '┩', '━')];
  rows.forEach((r, k) => {
    out.push(...block(r, '│'));
    out.push(k === rows.length - 1 ? rule('└', '┴', '┘', '─') : rule('├', '┼', '┤', '─'));
  });
  if (rows.length === 0) out.push(rule('└', '┴', '┘', '─'));
  return out;
}
