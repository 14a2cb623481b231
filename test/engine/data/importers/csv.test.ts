import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../../engine/data/importers/csv';
import { parseCsvCells } from '../../../../engine/data/importers/csv-parse';
import { formatFormatError } from '../../../../engine/core/problems';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('readCsv', () => {
  it('detects a header, maps string labels to sorted class indices and keeps their names', () => {
    const r = readCsv(
      bytes(
        'sepal_length,sepal_width,species\n5.1,3.5,setosa\n7.0,3.2,versicolor\n6.3,3.3,virginica\n4.9,3.0,setosa\n',
      ),
    );
    if (!r.ok) throw new Error(r.errors[0].message);
    const d = r.value;
    expect(d.count).toBe(4);
    expect(d.sampleShape).toEqual([2]);
    expect(Array.from(d.x)).toEqual([5.1, 3.5, 7.0, 3.2, 6.3, 3.3, 4.9, 3.0].map(Math.fround));
    expect(d.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Array.from(d.y)).toEqual([0, 1, 2, 0]);
    expect(d.numClasses).toBe(3);
    expect(d.featureNames).toEqual(['sepal_length', 'sepal_width']);
  });

  it('reads a file without a header, the label in the last column by default', () => {
    const r = readCsv(bytes('1,2,0\n3,4,1\n5,6,1\n'));
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(r.value.count).toBe(3);
    expect(Array.from(r.value.x)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(r.value.y)).toEqual([0, 1, 1]);
    expect(r.value.classNames).toEqual(['0', '1']);
  });

  it('takes the label column by name or by index', () => {
    const text = 'label,a,b\ncat,1,2\ndog,3,4\n';
    const byName = readCsv(bytes(text), { label: 'label' });
    const byIndex = readCsv(bytes(text), { label: 0 });
    for (const r of [byName, byIndex]) {
      if (!r.ok) throw new Error(r.errors[0].message);
      expect(Array.from(r.value.x)).toEqual([1, 2, 3, 4]);
      expect(r.value.classNames).toEqual(['cat', 'dog']);
    }
    const missing = readCsv(bytes(text), { label: 'kind' });
    expect(!missing.ok && missing.errors[0].message).toBe('there is no column named "kind"');
    expect(!missing.ok && missing.errors[0].hint).toBe('The columns are "label", "a", "b".');
  });

  it('reports a non-numeric cell and a missing cell with their line:column', () => {
    const r = readCsv(bytes('x1,x2,y\n1.5,2,a\n3,abc,b\n4,,a\n'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => formatFormatError(e))).toEqual([
      '3:3: the value "abc" of "x2" is not a number (Feature columns must hold numbers; encode categories as numbers first.)',
      '4:3: the value of "x2" is missing (Fill it in (e.g. with the column mean) or drop the row.)',
    ]);
  });

  it('reports a row with too few cells at its line', () => {
    const r = readCsv(bytes('1,2,0\n3,4\n'));
    expect(!r.ok && r.errors[0].message).toBe('this row has 2 cells but the first row has 3');
    expect(!r.ok && r.errors[0].location).toEqual({ line: 2, column: 3 });
  });

  it('reads quoted cells with commas, doubled quotes and line breaks, counting lines right after them', () => {
    const text = 'a,b,name\n1,2,"Smith, ""J"""\n3,4,"two\nlines"\n5,x,z\n';
    const cells = parseCsvCells(text, ',');
    expect(cells.rows[1][2].text).toBe('Smith, "J"');
    expect(cells.rows[2][2].text).toBe('two\nlines');
    const r = readCsv(bytes(text));
    expect(!r.ok && r.errors[0].location).toEqual({ line: 5, column: 3 });
  });

  it('detects semicolons and tabs, and CRLF line ends', () => {
    for (const text of ['a;b;y\r\n1;2;0\r\n3;4;1\r\n', 'a\tb\ty\n1\t2\t0\n3\t4\t1']) {
      const r = readCsv(bytes(text));
      if (!r.ok) throw new Error(r.errors[0].message);
      expect(Array.from(r.value.x)).toEqual([1, 2, 3, 4]);
      expect(Array.from(r.value.y)).toEqual([0, 1]);
    }
  });

  it('reads fractional labels as regression targets', () => {
    const r = readCsv(bytes('rooms,area,price\n3,70,1.5\n4,90,2.25\n'));
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(r.value.y).toBeInstanceOf(Float32Array);
    expect(Array.from(r.value.y)).toEqual([1.5, 2.25]);
    expect(r.value.numClasses).toBeUndefined();
  });

  it('reports an unclosed quote where it opened', () => {
    const r = readCsv(bytes('a,b\n1,"2\n'));
    expect(!r.ok && r.errors[0].location).toEqual({ line: 2, column: 3 });
  });

  it('stops listing after 20 bad cells and says how many more there are', () => {
    const rows = Array.from({ length: 30 }, () => 'x,1').join('\n');
    const r = readCsv(bytes(rows), { header: false });
    expect(!r.ok && r.errors.length).toBe(21);
    expect(!r.ok && r.errors[20].message).toBe('… and 10 more problems like these');
  });
});

describe('readCsv of a text table (one text column and the label)', () => {
  // Ids as Keras's TextVectorization adapted on the same texts gives them (see test/engine/data/text.test.ts).
  it('turns each text into token ids with a vocabulary adapted on the file, and finds the header', () => {
    const r = readCsv(bytes('review,sentiment\nA great film!,positive\n"Dull, dull film",negative\nfilm,positive\n'));
    if (!r.ok) throw new Error(r.errors[0].message);
    const d = r.value;
    expect(d.vocabulary).toEqual(['', '[UNK]', 'film', 'dull', 'great', 'a']);
    expect(d.sampleShape).toEqual([3]);
    expect(Array.from(d.x)).toEqual([5, 4, 2, 3, 3, 2, 2, 0, 0]);
    expect(d.classNames).toEqual(['negative', 'positive']);
    expect(Array.from(d.y)).toEqual([1, 0, 1]);
    expect(d.featureNames).toEqual(['review']);
    expect(d.description).toBe(
      '3 texts of "review" as 3 token ids each (vocabulary of 6, 0 pads, 1 is unknown); 2 classes.',
    );
  });

  it('reads a table without a header, with integer labels, the label first, and cuts to sequenceLength', () => {
    const r = readCsv(bytes('1,one two three\n0,two\n1,three three\n'), { label: 0, sequenceLength: 2 });
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(r.value.count).toBe(3);
    expect(r.value.vocabulary).toEqual(['', '[UNK]', 'three', 'two', 'one']);
    expect(Array.from(r.value.x)).toEqual([4, 3, 3, 0, 2, 2]);
    expect(Array.from(r.value.y)).toEqual([1, 0, 1]);
  });

  it('refuses a regression target for text, located at its cell', () => {
    const r = readCsv(bytes('text,score\nvery good,0.5\nbad,1\n'));
    expect(!r.ok && formatFormatError(r.errors[0])).toBe(
      '2:11: the label "0.5" is not a class: a text table\'s labels name classes (Use class names or class indices 0, 1, 2, … in the label column.)',
    );
  });

  it('leaves tables with several feature columns to the numeric reader', () => {
    const r = readCsv(bytes('a,b,label\n1,x y,0\n'));
    expect(r.ok).toBe(false);
  });
});
