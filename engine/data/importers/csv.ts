/**
 * A CSV table → dataset: numeric feature columns, one label column (by name or index; the last by default).
 * String labels become class indices in sorted order (as scikit-learn's LabelEncoder numbers them), their names
 * kept; numeric labels are classes when they are small non-negative integers, regression targets otherwise.
 * A table of one text column and the label (`review,sentiment`) is a text dataset: each text becomes token ids
 * with a vocabulary adapted on the file, as Keras's TextVectorization does (engine/data/text.ts).
 */
import { textDataset, tokenize } from '../text';
import type { Dataset, DataError, DataResult } from '../types';
import { dataError } from '../types';
import type { Cell } from './csv-parse';
import { detectDelimiter, forEachCsvRow } from './csv-parse';

export interface CsvOptions {
  /** The label column: a header name, or a 0-based index (negative counts from the end). Default: -1, the last. */
  label?: string | number;
  /** Whether the first row names the columns; 'auto' (default) decides from the cells. */
  header?: boolean | 'auto';
  /** 'auto' (default): string or small integer labels are classes, other numbers are regression targets. */
  task?: 'auto' | 'classification' | 'regression';
  delimiter?: ',' | ';' | '\t';
  name?: string;
  /** Read the column besides the label as text; default: when it holds words (a cell of several) in the first rows. */
  text?: boolean;
  /** Text tables: ids per text (default: the longest text's tokens, at most MAX_TEXT_LENGTH). */
  sequenceLength?: number;
  /** Text tables: the vocabulary's size, padding and [UNK] included (Keras's max_tokens); default: every token. */
  maxTokens?: number;
}

/** The longest token sequence a text table gets by default: longer texts are cut, as output_sequence_length does. */
export const MAX_TEXT_LENGTH = 200;
const HAS_LETTER = /\p{L}/u;

/** Integer labels up to this many classes count as classes under task 'auto'. */
const MAX_AUTO_CLASSES = 100;
/** A file with thousands of bad cells needs the first few reported, not all. */
const MAX_ERRORS = 20;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(text: string): number | null {
  // Plain decimal digits are nearly every cell of a big file (pixel values): skip the pattern for them.
  let plain = text.length > 0 && text.length < 10;
  for (let i = 0; plain && i < text.length; i++) {
    const c = text.charCodeAt(i);
    plain = c >= 48 && c <= 57;
  }
  if (plain) return Number(text);
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : null;
}

const at = (cell: Cell) => ({ location: { line: cell.line, column: cell.column } });

function labelIndex(spec: string | number, header: Cell[] | null, columns: number): number | DataError {
  if (typeof spec === 'number') {
    const idx = spec < 0 ? columns + spec : spec;
    if (!Number.isInteger(idx) || idx < 0 || idx >= columns) {
      return dataError(
        `label column ${spec} is out of range: the file has ${columns} columns`,
        `Use an index from 0 to ${columns - 1}, or -1 for the last column.`,
      );
    }
    return idx;
  }
  const names = header?.map((c) => c.text.trim()) ?? [];
  const idx = names.indexOf(spec.trim());
  if (idx >= 0) return idx;
  return dataError(
    `there is no column named "${spec}"${header ? '' : ' (the file has no header row)'}`,
    header
      ? `The columns are ${names.map((n) => `"${n}"`).join(', ')}.`
      : 'Pick the label column by index instead, e.g. -1 for the last.',
  );
}

/** Growing storage for the features, so a big file never holds all its cells at once. */
class FloatBuffer {
  data = new Float32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
}

/** The layout decided from the first rows: header or not, which column is the label. */
interface Layout {
  header: Cell[] | null;
  columns: number;
  label: number;
}

function decideLayout(first: Cell[][], options: CsvOptions, delimiter: string): Layout | DataError {
  const columns = first[0].length;
  if (columns < 2) {
    return dataError(
      `the CSV rows have ${columns} column, but a dataset needs features and a label`,
      `Check the delimiter: the file was read with "${delimiter === '\t' ? '\\t' : delimiter}".`,
      at(first[0][0]),
    );
  }
  // A first row is a header when a cell that should be a number isn't, while the row below has numbers there.
  let hasHeader: boolean;
  if (options.header === undefined || options.header === 'auto') {
    hasHeader =
      typeof options.label === 'string' ||
      (first.length > 1 &&
        first[0].some(
          (cell, j) =>
            parseNumber(cell.text) === null && first[1][j] !== undefined && parseNumber(first[1][j].text) !== null,
        ));
  } else {
    hasHeader = options.header;
  }
  const header = hasHeader ? first[0] : null;
  const label = labelIndex(options.label ?? -1, header, columns);
  return typeof label === 'number' ? { header, columns, label } : label;
}

export function readCsv(bytes: Uint8Array, options: CsvOptions = {}): DataResult<Dataset> {
  const text = new TextDecoder('utf-8').decode(bytes);
  const delimiter = options.delimiter ?? detectDelimiter(text);
  const errors: DataError[] = [];
  let errorTotal = 0;
  const report = (e: DataError) => {
    errorTotal++;
    if (errors.length < MAX_ERRORS) errors.push(e);
  };
  const x = new FloatBuffer();
  const labels: Cell[] = [];
  let count = 0;
  // Set once the first rows are in; an object, since TypeScript doesn't follow assignments made in callbacks.
  const state: { layout: Layout | null; error: DataError | null; text: boolean } = {
    layout: null,
    error: null,
    text: false,
  };
  const pending: Cell[][] = [];
  const textCells: Cell[] = [];

  const addRow = (row: Cell[], { header, columns, label }: Layout) => {
    if (row.length !== columns) {
      const last = row[row.length - 1];
      report(
        dataError(
          `this row has ${row.length} cells but the ${header ? 'header' : 'first row'} has ${columns}`,
          'Give every row the same columns; an empty cell still needs its delimiter.',
          at(row.length > columns ? row[columns] : last),
        ),
      );
      return;
    }
    if (state.text) {
      textCells.push(row[1 - label]);
      labels.push(row[label]);
      if (row[label].text.trim() === '')
        report(dataError('the label is missing', 'Give every row a label, or drop the row.', at(row[label])));
      count++;
      return;
    }
    for (let j = 0; j < columns; j++) {
      const cell = row[j];
      if (j === label) {
        labels.push(cell);
        if (cell.text.trim() === '')
          report(dataError('the label is missing', 'Give every row a label, or drop the row.', at(cell)));
        continue;
      }
      const v = parseNumber(cell.text);
      x.push(v ?? 0);
      if (v !== null) continue;
      const column = header ? `"${header[j].text.trim()}"` : `column ${j + 1}`;
      const t = cell.text.trim();
      if (t === '')
        report(
          dataError(
            `the value of ${column} is missing`,
            'Fill it in (e.g. with the column mean) or drop the row.',
            at(cell),
          ),
        );
      else
        report(
          dataError(
            `the value "${t}" of ${column} is not a number`,
            'Feature columns must hold numbers; encode categories as numbers first.',
            at(cell),
          ),
        );
    }
    count++;
  };
  const start = () => {
    const decided = decideLayout(pending, options, delimiter);
    if ('message' in decided) {
      state.error = decided;
      return;
    }
    state.layout = decided;
    // One column besides the label, holding words (a cell of several) where a number would be: a text table. Its
    // header can't be told from numbers, so every row is read and the header decided at the end (textTable).
    const probe = pending.map((row) => row[1 - decided.label]?.text ?? '0');
    state.text =
      options.text ??
      (decided.columns === 2 &&
        probe.every((t) => parseNumber(t) === null) &&
        probe.some((t) => HAS_LETTER.test(t) && /\S\s+\S/.test(t.trim())));
    const readAll = state.text && typeof options.label !== 'string' && options.header !== true;
    for (const row of decided.header && !readAll ? pending.slice(1) : pending) addRow(row, decided);
  };
  const parseErrors = forEachCsvRow(text, delimiter, (row) => {
    if (state.error) return;
    if (state.layout) return addRow(row, state.layout);
    pending.push(row);
    if (pending.length === 2) start();
  });
  if (parseErrors.length) return { ok: false, errors: parseErrors };
  if (pending.length === 0)
    return {
      ok: false,
      errors: [dataError('the CSV file is empty', 'Give it one row per sample: feature columns, then the label.')],
    };
  if (!state.layout && !state.error) start();
  if (state.error || !state.layout) return { ok: false, errors: state.error ? [state.error] : [] };
  const { header, columns, label: li } = state.layout;
  if (count === 0 && errorTotal === 0)
    return {
      ok: false,
      errors: [dataError('the CSV file has a header but no data rows', 'Add one row per sample below the header.')],
    };
  if (errorTotal > errors.length)
    errors.push(dataError(`… and ${errorTotal - errors.length} more problems like these`));
  if (errors.length) return { ok: false, errors };

  if (state.text) return textTable(textCells, labels, state.layout, options);

  const featureCount = columns - 1;
  const features = x.data.slice(0, x.length);
  const texts = labels.map((c) => c.text.trim());
  const numbers = texts.map(parseNumber);
  const allNumeric = numbers.every((n) => n !== null);
  const task = options.task ?? 'auto';
  const name = options.name ?? 'CSV';
  const featureNames = header ? header.filter((_, j) => j !== li).map((c) => c.text.trim()) : null;
  const base = {
    name,
    x: features,
    sampleShape: [featureCount],
    count,
    normalization: [],
    ...(featureNames ? { featureNames } : {}),
  };
  const shown = featureNames && (featureNames.length > 8 ? [...featureNames.slice(0, 6), '…'] : featureNames);
  const about = `${count} rows, ${featureCount} features${shown ? ` (${shown.join(', ')})` : ''}`;

  if (
    task === 'regression' ||
    (task === 'auto' && allNumeric && !numbers.every((n) => Number.isInteger(n) && n! >= 0 && n! < MAX_AUTO_CLASSES))
  ) {
    if (!allNumeric) {
      const bad = labels[numbers.indexOf(null)];
      return {
        ok: false,
        errors: [
          dataError(
            `the regression target "${bad.text.trim()}" is not a number`,
            "Use task 'classification' for named classes.",
            at(bad),
          ),
        ],
      };
    }
    return {
      ok: true,
      value: {
        ...base,
        description: `${about}; regression target${header ? ` "${header[li].text.trim()}"` : ''}.`,
        y: Float32Array.from(numbers as number[]),
      },
    };
  }
  const { classNames, y } = classLabels(texts, numbers);
  return {
    ok: true,
    value: {
      ...base,
      description: `${about}; ${classNames.length} classes.`,
      y,
      numClasses: classNames.length,
      classNames,
    },
  };
}

/** Class indices and names: small non-negative integers as themselves, other labels by sorted name. */
function classLabels(texts: string[], numbers: (number | null)[]): { classNames: string[]; y: Int32Array } {
  if (numbers.every((n) => n !== null && Number.isInteger(n) && n >= 0)) {
    const max = (numbers as number[]).reduce((m, t) => Math.max(m, t), 0);
    return {
      classNames: Array.from({ length: max + 1 }, (_, k) => String(k)),
      y: Int32Array.from(numbers as number[]),
    };
  }
  const classNames = [...new Set(texts)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const index = new Map(classNames.map((n, k) => [n, k]));
  return { classNames, y: Int32Array.from(texts, (t) => index.get(t)!) };
}

/**
 * A text table as token ids. With header 'auto' its first row is the header when its label never recurs below
 * (a class name does; a column name doesn't). Labels are classes: text models here classify.
 */
function textTable(texts: Cell[], labels: Cell[], layout: Layout, options: CsvOptions): DataResult<Dataset> {
  let header = layout.header;
  if (typeof options.label !== 'string' && options.header !== true) {
    const rest = new Set(labels.slice(1).map((c) => c.text.trim()));
    const first = labels[0].text.trim();
    if ((options.header === undefined || options.header === 'auto') && labels.length > 1 && !rest.has(first))
      header = [texts[0], labels[0]].sort((a, b) => a.column - b.column);
    if (header) {
      texts = texts.slice(1);
      labels = labels.slice(1);
    }
  }
  if (texts.length === 0)
    return {
      ok: false,
      errors: [dataError('the CSV file has a header but no data rows', 'Add one row per sample below the header.')],
    };
  const labelTexts = labels.map((c) => c.text.trim());
  const numbers = labelTexts.map(parseNumber);
  if (options.task === 'regression' || numbers.some((n) => n !== null && !(Number.isInteger(n) && n >= 0))) {
    const bad = labels.find((c) => {
      const n = parseNumber(c.text.trim());
      return n !== null && !(Number.isInteger(n) && n >= 0);
    });
    return {
      ok: false,
      errors: [
        dataError(
          `the label "${(bad ?? labels[0]).text.trim()}" is not a class: a text table's labels name classes`,
          'Use class names or class indices 0, 1, 2, … in the label column.',
          at(bad ?? labels[0]),
        ),
      ],
    };
  }
  const { classNames, y } = classLabels(labelTexts, numbers);
  const strings = texts.map((c) => c.text);
  const longest = Math.max(1, ...strings.map((t) => tokenize(t).length));
  const length = options.sequenceLength ?? Math.min(longest, MAX_TEXT_LENGTH);
  const column = header ? `"${header[1 - layout.label].text.trim()}"` : 'the text column';
  const dataset = textDataset(strings, y, {
    name: options.name ?? 'CSV',
    description: '',
    classNames,
    length,
    ...(options.maxTokens ? { maxTokens: options.maxTokens } : {}),
  });
  dataset.description =
    `${strings.length} texts of ${column} as ${length} token ids each (vocabulary of ${dataset.vocabulary!.length}, ` +
    `0 pads, 1 is unknown)${longest > length ? `, longer ones cut` : ''}; ${classNames.length} classes.`;
  if (header) dataset.featureNames = [header[1 - layout.label].text.trim()];
  return { ok: true, value: dataset };
}
