/**
 * Text to token ids as Keras's `TextVectorization(output_mode="int", output_sequence_length=L)` makes them with its
 * defaults, so a model trained here takes the ids Keras would give it:
 * - standardize `lower_and_strip_punctuation`: lower case, then every ASCII punctuation character removed;
 * - split on whitespace;
 * - the vocabulary as `adapt` builds it: id 0 is the padding token `''`, id 1 the out-of-vocabulary token
 *   `[UNK]`, then the tokens by count, most frequent first, ties in reverse string order (Keras sorts
 *   `np.lexsort((tokens, counts))[::-1]`);
 * - each text cut to its first L tokens, or padded with 0 at the end.
 */
import type { Dataset } from './types';

export const PAD_TOKEN = '';
export const OOV_TOKEN = '[UNK]';
export const PAD_ID = 0;
export const OOV_ID = 1;

/** The characters Keras's `lower_and_strip_punctuation` removes (its DEFAULT_STRIP_REGEX). */
const PUNCTUATION = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~']/g;

export function standardize(text: string): string {
  return text.toLowerCase().replace(PUNCTUATION, '');
}

export function tokenize(text: string): string[] {
  return standardize(text)
    .split(/\s+/)
    .filter((t) => t.length > 0);
}

/** Code-unit order, as numpy compares the byte strings of ASCII tokens. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `['', '[UNK]', …tokens by count]`, as `TextVectorization.adapt(texts).get_vocabulary()`; `maxTokens` (with the
 * two reserved ids) caps it as Keras's `max_tokens` does.
 */
export function buildVocabulary(texts: readonly string[], maxTokens?: number): string[] {
  const counts = new Map<string, number>();
  for (const text of texts) for (const t of tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  const tokens = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || compare(b, a));
  const all = [PAD_TOKEN, OOV_TOKEN, ...tokens];
  return maxTokens === undefined ? all : all.slice(0, Math.max(2, maxTokens));
}

/** Every text as `length` ids (row-major), unknown tokens as OOV_ID, cut or padded with PAD_ID at the end. */
export function vectorize(texts: readonly string[], vocabulary: readonly string[], length: number): Float32Array {
  const ids = new Map<string, number>();
  vocabulary.forEach((t, i) => {
    if (i > OOV_ID) ids.set(t, i);
  });
  const out = new Float32Array(texts.length * length);
  texts.forEach((text, row) => {
    const tokens = tokenize(text);
    for (let k = 0; k < Math.min(length, tokens.length); k++) out[row * length + k] = ids.get(tokens[k]) ?? OOV_ID;
  });
  return out;
}

/** Ids back to words, padding left out: what a preview shows of a sample. */
export function detokenize(ids: ArrayLike<number>, vocabulary: readonly string[]): string {
  const words: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id !== PAD_ID) words.push(vocabulary[id] ?? OOV_TOKEN);
  }
  return words.join(' ');
}

export interface TextDatasetOptions {
  name: string;
  description: string;
  classNames: string[];
  /** Ids per sample (Keras's `output_sequence_length`); default: the longest text's token count. */
  length?: number;
  maxTokens?: number;
  /** Adapt on these texts instead of `texts` (a train split's vocabulary for its test split). */
  vocabulary?: string[];
}

/** Labelled texts as a classification dataset of token ids, its vocabulary beside them. */
export function textDataset(texts: readonly string[], labels: ArrayLike<number>, options: TextDatasetOptions): Dataset {
  const vocabulary = options.vocabulary ?? buildVocabulary(texts, options.maxTokens);
  const length = options.length ?? Math.max(1, ...texts.map((t) => tokenize(t).length));
  return {
    name: options.name,
    description: options.description,
    x: vectorize(texts, vocabulary, length),
    y: Int32Array.from(labels),
    sampleShape: [length],
    numClasses: options.classNames.length,
    classNames: [...options.classNames],
    count: texts.length,
    normalization: [],
    vocabulary,
  };
}
