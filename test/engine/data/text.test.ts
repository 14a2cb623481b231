// Token ids as Keras's TextVectorization(output_sequence_length=L) gives them, and the built-in review sentences.
// The expected ids and vocabularies are what Keras 3.15 printed for the same texts (TextVectorization.adapt, then
// get_vocabulary() and a call); test/interop/test_text_train.py checks the whole built-in set against Keras too.
import { describe, expect, it } from 'vitest';
import { REVIEW_COUNT, REVIEW_LENGTH, reviewSentences, reviews } from '../../../engine/data/generators/reviews';
import { generateBuiltin } from '../../../engine/data/registry';
import { sampleAt, sampleWindow } from '../../../engine/data/samples';
import { buildVocabulary, detokenize, tokenize, vectorize } from '../../../engine/data/text';

describe('TextVectorization semantics', () => {
  const texts = ['b a', 'a c', 'd', 'The Movie, was GREAT!'];
  const keras = ['', '[UNK]', 'a', 'was', 'the', 'movie', 'great', 'd', 'c', 'b'];

  it('adapts the vocabulary as Keras does: padding, [UNK], then by count, ties in reverse string order', () => {
    expect(buildVocabulary(texts)).toEqual(keras);
    expect(buildVocabulary(texts, 4)).toEqual(keras.slice(0, 4));
  });

  it('lower-cases, strips punctuation (apostrophes and hyphens join words), maps unknown words to 1, pads with 0', () => {
    expect(tokenize("The movie's great. it-was")).toEqual(['the', 'movies', 'great', 'itwas']);
    expect(Array.from(vectorize(['a zz b', "The movie's great. it-was a b c d e f"], keras, 5))).toEqual([
      2, 1, 9, 0, 0, 4, 1, 6, 1, 2,
    ]);
  });

  it('reads ids back as words, padding left out', () => {
    expect(detokenize([4, 5, 1, 0, 0], keras)).toBe('the movie [UNK]');
  });
});

describe('the built-in review sentences', () => {
  const data = reviews();

  it('is the same set every time, balanced, and every sentence fits REVIEW_LENGTH ids without an unknown word', () => {
    expect(reviews().x).toEqual(data.x);
    expect(data.count).toBe(REVIEW_COUNT);
    expect(data.sampleShape).toEqual([REVIEW_LENGTH]);
    const { texts } = reviewSentences();
    expect(Math.max(...texts.map((t) => tokenize(t).length))).toBeLessThanOrEqual(REVIEW_LENGTH);
    expect(Array.from(data.y).filter((c) => c === 1).length).toBe(REVIEW_COUNT / 2);
    expect(data.x.includes(1)).toBe(false);
    expect(detokenize(data.x.subarray(0, REVIEW_LENGTH), data.vocabulary!)).toBe(texts[0]);
  });

  it('keeps every word’s id in a subset, and the training seed changes nothing', () => {
    const small = generateBuiltin('reviews', { count: 10, seed: 7 })!;
    expect(small.vocabulary).toEqual(data.vocabulary);
    expect(small.x).toEqual(data.x.subarray(0, 10 * REVIEW_LENGTH));
  });

  it('needs word order: some sentences hold the same words as others of the other class', () => {
    const byBag = new Map<string, Set<number>>();
    const { texts, labels } = reviewSentences();
    texts.forEach((t, i) => {
      const bag = tokenize(t).sort().join(' ');
      byBag.set(bag, (byBag.get(bag) ?? new Set()).add(labels[i]));
    });
    expect([...byBag.values()].filter((s) => s.size === 2).length).toBeGreaterThan(0);
  });

  it('previews as sentences with their labels', () => {
    const w = sampleWindow(data, 'train', ['train'], 0, 2);
    const { texts } = reviewSentences({ count: 2 });
    expect([sampleAt(w, 0), sampleAt(w, 1)].map((s) => [s.text, s.labelText])).toEqual([
      [texts[0], 'negative'],
      [texts[1], 'positive'],
    ]);
  });
});
