/**
 * Short film-review sentences labelled negative or positive, written by a seeded grammar in this file (no outside
 * text: the sentences are LayerCanvas's own, under its licence). Word order matters, so a bag of words can't
 * score them all: "not" flips a clause, and in "A but B" the clause after "but" decides, as in
 * `the plot was dull but the acting was wonderful` (positive). Classes alternate so any prefix is balanced.
 */
import { Random } from '../../core/random';
import { buildVocabulary, textDataset } from '../text';
import type { Dataset } from '../types';

export const REVIEW_CLASSES = ['negative', 'positive'] as const;
/** Ids per sentence: the longest template gives 13 words, so no sentence is cut. */
export const REVIEW_LENGTH = 16;

const SUBJECTS = [
  'the movie',
  'this film',
  'the plot',
  'the story',
  'the acting',
  'the cast',
  'the ending',
  'the dialogue',
  'the soundtrack',
  'the camera work',
  'the script',
  'the lead actor',
  'the pacing',
  'the visual style',
];
const GOOD = [
  'good',
  'great',
  'wonderful',
  'brilliant',
  'moving',
  'funny',
  'charming',
  'clever',
  'beautiful',
  'gripping',
  'fresh',
  'superb',
];
const BAD = [
  'bad',
  'boring',
  'dull',
  'awful',
  'weak',
  'silly',
  'slow',
  'predictable',
  'clumsy',
  'flat',
  'messy',
  'tedious',
];
const LIKE = ['loved', 'enjoyed', 'liked', 'admired', 'adored'];
const DISLIKE = ['hated', 'disliked', 'regretted', 'resented', 'endured'];
const INTENSIFIERS = ['', '', 'really', 'very', 'quite', 'truly', 'rather'];
const OPENERS = ['', '', '', 'honestly', 'overall', 'in the end', 'to be fair', 'i think'];

/** One sentence of the wanted sentiment from one of five templates. */
function sentence(rng: Random, positive: boolean): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng.next() * xs.length)];
  const words = (...parts: string[]) => parts.filter((p) => p.length > 0).join(' ');
  const clause = (good: boolean): string => {
    // A plain clause says what it means; a negated one says the opposite: "not boring" is positive.
    const negated = rng.next() < 0.3;
    const adjective = pick(good !== negated ? GOOD : BAD);
    return words(pick(SUBJECTS), pick(['was', 'is']), negated ? 'not' : pick(INTENSIFIERS), adjective);
  };
  switch (Math.floor(rng.next() * 5)) {
    case 0:
      return words(pick(OPENERS), clause(positive));
    case 1: {
      const negated = rng.next() < 0.4;
      const verb = pick(positive !== negated ? LIKE : DISLIKE);
      return words(pick(OPENERS), 'i', negated ? 'never' : '', verb, pick(SUBJECTS));
    }
    case 2:
      // The turn after "but" decides: the first clause says the opposite.
      return words(clause(!positive), 'but', clause(positive));
    case 3:
      return words(clause(positive), 'and', clause(positive));
    default:
      return words(
        pick(OPENERS),
        positive
          ? pick(['a must see', 'worth watching', 'i would watch it again'])
          : pick(['a waste of time', 'not worth watching', 'i walked out']),
      );
  }
}

export interface ReviewOptions {
  count?: number;
  seed?: number;
}

/** The sentences and their labels (0 negative, 1 positive), before tokenizing. */
export function reviewSentences(options: ReviewOptions = {}): { texts: string[]; labels: Int32Array } {
  const count = options.count ?? REVIEW_COUNT;
  const rng = new Random(options.seed ?? 1);
  const texts: string[] = [];
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 2;
    texts.push(sentence(rng, labels[i] === 1));
  }
  return { texts, labels };
}

/** How many sentences the built-in set holds, and so the texts its vocabulary is adapted on. */
export const REVIEW_COUNT = 4000;

/**
 * The built-in text set: `count` review sentences as REVIEW_LENGTH token ids each. The vocabulary is the one
 * Keras's TextVectorization adapts on the set's first REVIEW_COUNT sentences (0 padding, 1 out of vocabulary),
 * whatever `count` is, so a quick subset gives every word the id the full set gives it.
 */
export function reviews(options: ReviewOptions = {}): Dataset {
  const count = options.count ?? REVIEW_COUNT;
  const { texts, labels } = reviewSentences({ ...options, count: Math.max(count, REVIEW_COUNT) });
  return textDataset(texts.slice(0, count), labels.subarray(0, count), {
    name: 'reviews',
    description: `${count} short film-review sentences, negative or positive, as ${REVIEW_LENGTH} token ids each (0 pads).`,
    classNames: [...REVIEW_CLASSES],
    length: REVIEW_LENGTH,
    vocabulary: buildVocabulary(texts.slice(0, REVIEW_COUNT)),
  });
}
