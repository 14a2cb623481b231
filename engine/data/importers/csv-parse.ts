/**
 * RFC 4180 CSV cells with their positions: quoted fields may hold the delimiter, doubled quotes and line breaks,
 * so each cell remembers the line and column (1-based, as editors count) where it starts.
 */
import type { DataError } from '../types';
import { dataError } from '../types';

export interface Cell {
  text: string;
  line: number;
  column: number;
  quoted: boolean;
}

/** The delimiter the first line uses most: comma, semicolon or tab (outside quotes). */
export function detectDelimiter(text: string): string {
  const end = text.search(/\r?\n/);
  const first = end < 0 ? text : text.slice(0, end);
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t']) {
    let n = 0;
    let inQuotes = false;
    for (const ch of first) {
      if (ch === '"') inQuotes = !inQuotes;
      else if (ch === d && !inQuotes) n++;
    }
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/** All rows at once; fine for small files and tests (a big file should stream through `forEachCsvRow`). */
export function parseCsvCells(text: string, delimiter: string): { rows: Cell[][]; errors: DataError[] } {
  const rows: Cell[][] = [];
  const errors = forEachCsvRow(text, delimiter, (row) => rows.push(row));
  return { rows, errors };
}

/**
 * Calls `onRow` for each row in turn, so only one row of cells is alive at a time (an MNIST CSV has 47 million
 * cells). Blank lines are dropped. A quote left open is reported where it opened.
 */
export function forEachCsvRow(text: string, delimiter: string, onRow: (row: Cell[]) => void): DataError[] {
  const errors: DataError[] = [];
  const emit = (cells: Cell[]) => {
    if (!(cells.length === 1 && cells[0].text.trim() === '' && !cells[0].quoted)) onRow(cells);
  };
  let row: Cell[] = [];
  let line = 1;
  let column = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark isn't part of the first header
  while (i <= text.length) {
    const startLine = line;
    const startColumn = column;
    let value = '';
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      column++;
      let closed = false;
      while (i < text.length) {
        const ch = text[i];
        if (ch === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            column += 2;
            continue;
          }
          i++;
          column++;
          closed = true;
          break;
        }
        if (ch === '\n') {
          line++;
          column = 1;
        } else {
          column++;
        }
        value += ch;
        i++;
      }
      if (!closed) {
        errors.push(
          dataError('a quoted field is never closed', 'Add the closing double quote (").', {
            location: { line: startLine, column: startColumn },
          }),
        );
        row.push({ text: value, line: startLine, column: startColumn, quoted });
        break;
      }
    }
    // Unquoted text, or what trails a closing quote up to the next delimiter (kept, as most readers do).
    const from = i;
    while (i < text.length && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') i++;
    value += text.slice(from, i);
    column += i - from;
    row.push({ text: value, line: startLine, column: startColumn, quoted });
    if (i >= text.length) {
      i++;
      break;
    }
    if (text[i] === delimiter) {
      i++;
      column++;
      continue;
    }
    // End of line: \n, \r\n or a lone \r.
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    i++;
    line++;
    column = 1;
    emit(row);
    row = [];
    if (i >= text.length) break;
  }
  if (row.length) emit(row);
  return errors;
}
