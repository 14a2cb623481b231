/**
 * What a BN comparison showed, as sentences that each carry their numbers. Two stories are always told apart:
 * optimisation (the training figures, measured in training mode where BN normalizes with each batch's statistics)
 * and generalisation (the validation figures, in inference mode where BN uses its moving averages). A third says
 * when those moving averages can't yet describe the data, which is what makes the two stories disagree after short
 * runs. Pure: the Train tab renders it and tests check every number against the curves.
 */
import type { ModelDocument } from '../../../engine/api/graph';
import { hasTrait } from '../../../engine/api/layers';
import type { RunSeries } from '../../stores/series';
import { effectiveLearningRate, rateText } from './time-to-target';

/** Below this share of their starting values (mean 0, variance 1) the moving statistics describe the data. */
export const SETTLED_SHARE = 0.05;
/** Differences smaller than these read as "about the same": half a percentage point, or 5% of a loss. */
const SAME_ACCURACY = 0.005;
const SAME_LOSS = 0.05;
/** Validation this far below the training accuracy (more than the twin's) is a gap worth explaining. */
const GAP = 0.05;

export type Side = 'with BN' | 'without BN';
export type Verdict = Side | 'same' | 'mixed';

export interface SideFigures {
  steps: number;
  epochs: number;
  /** Keras's per-epoch training figures (averaged over the epoch's samples, batch statistics). */
  firstEpochLoss: number | null;
  finalLoss: number | null;
  finalAccuracy: number | null;
  /** The last epoch's validation figures (inference mode), null without validation data. */
  valLoss: number | null;
  valAccuracy: number | null;
}

export interface MovingStatistics {
  layer: string;
  momentum: number;
  steps: number;
  /** momentum^steps: the share of the starting mean 0 and variance 1 still in the moving averages. */
  startShare: number;
  /** Steps after which less than SETTLED_SHARE of the start is left. */
  stepsToSettle: number;
  settled: boolean;
}

export interface Reestimate {
  batches: number;
  samples: number;
  before?: { loss: number; accuracy: number };
  after?: { loss: number; accuracy: number };
}

export interface Claim {
  story: 'optimisation' | 'generalisation' | 'statistics' | 'reestimate' | 'learning-rate';
  verdict: Verdict | null;
  text: string;
}

export interface BnReport {
  sides: Record<Side, SideFigures>;
  statistics: MovingStatistics | null;
  claims: Claim[];
}

export function sideFigures(s: RunSeries | undefined): SideFigures {
  const val = (values: (number | null)[] | undefined) => values?.filter((v): v is number => v !== null).at(-1) ?? null;
  return {
    steps: s?.step.at(-1) ?? 0,
    epochs: s?.epochLoss.length ?? 0,
    firstEpochLoss: s?.epochLoss[0] ?? null,
    finalLoss: s?.epochLoss.at(-1) ?? null,
    finalAccuracy: s?.epochAccuracy.at(-1) ?? null,
    valLoss: val(s?.valLoss),
    valAccuracy: val(s?.valAccuracy),
  };
}

/** The BN layer whose moving averages are furthest from settled, after `steps` updates. Null without BN. */
export function movingStatistics(
  doc: ModelDocument,
  steps: number,
  names?: ReadonlyMap<string, string>,
): MovingStatistics | null {
  let worst: MovingStatistics | null = null;
  for (const node of doc.nodes) {
    if (!hasTrait(node.className, 'batchStatistics')) continue;
    // Keras's default momentum where the config leaves it out.
    const momentum = typeof node.config.momentum === 'number' ? node.config.momentum : 0.99;
    // 0 follows each batch at once; 1 never moves (nothing to wait for either way).
    if (!(momentum > 0 && momentum < 1)) continue;
    const startShare = momentum ** steps;
    const stepsToSettle = Math.ceil(Math.log(SETTLED_SHARE) / Math.log(momentum));
    const layer = names?.get(node.id) ?? node.name ?? node.id;
    if (!worst || startShare > worst.startShare)
      worst = { layer, momentum, steps, startShare, stepsToSettle, settled: startShare <= SETTLED_SHARE };
  }
  return worst;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const num = (v: number) => (Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toFixed(3));
const points = (v: number) => `${(Math.abs(v) * 100).toFixed(1)} points`;

/** Lower is better for a loss; a relative margin decides. */
function lossVerdict(bn: number, plain: number): Verdict {
  if (Math.abs(bn - plain) <= SAME_LOSS * Math.max(Math.abs(bn), Math.abs(plain))) return 'same';
  return bn < plain ? 'with BN' : 'without BN';
}

function accuracyVerdict(bn: number, plain: number): Verdict {
  if (Math.abs(bn - plain) <= SAME_ACCURACY) return 'same';
  return bn > plain ? 'with BN' : 'without BN';
}

function combine(a: Verdict, b: Verdict): Verdict {
  if (a === b) return a;
  if (a === 'same') return b;
  if (b === 'same') return a;
  return 'mixed';
}

function optimisation(bn: SideFigures, plain: SideFigures): Claim | null {
  if (bn.finalLoss === null || plain.finalLoss === null || bn.finalAccuracy === null || plain.finalAccuracy === null)
    return null;
  const verdict = combine(
    lossVerdict(bn.finalLoss, plain.finalLoss),
    accuracyVerdict(bn.finalAccuracy, plain.finalAccuracy),
  );
  const lead =
    verdict === 'with BN'
      ? 'With BN trained further in the same steps'
      : verdict === 'without BN'
        ? 'Without BN trained further in the same steps'
        : verdict === 'same'
          ? 'Both trained about as far'
          : // Mixed: one side's loss is lower, the other's accuracy higher (a normalized classifier's logits have
            // the spread gamma gives them, which caps its confidence, so its loss can trail while it classifies better).
            `Neither trained clearly further: ${accuracyVerdict(bn.finalAccuracy, plain.finalAccuracy) === 'with BN' ? 'with BN classified more of the training data, without BN reached the lower loss' : 'without BN classified more of the training data, with BN reached the lower loss'}`;
  const first =
    bn.epochs > 1 && bn.firstEpochLoss !== null && plain.firstEpochLoss !== null
      ? `; over the first epoch, ${num(bn.firstEpochLoss)} vs ${num(plain.firstEpochLoss)}`
      : '';
  return {
    story: 'optimisation',
    verdict,
    text:
      `${lead}: after ${bn.steps} steps with BN ended at training loss ${num(bn.finalLoss)} and accuracy ${pct(bn.finalAccuracy)}, ` +
      `without BN after ${plain.steps} at ${num(plain.finalLoss)} and ${pct(plain.finalAccuracy)}${first}.`,
  };
}

function generalisation(bn: SideFigures, plain: SideFigures): Claim | null {
  if (bn.valAccuracy === null || plain.valAccuracy === null || bn.valLoss === null || plain.valLoss === null)
    return {
      story: 'generalisation',
      verdict: null,
      text: 'No validation figures: set a validation split above 0 to see how each model does on data it did not train on.',
    };
  const verdict = accuracyVerdict(bn.valAccuracy, plain.valAccuracy);
  const lead =
    verdict === 'same'
      ? 'Both validate about as well'
      : verdict === 'with BN'
        ? 'With BN validates better'
        : 'Without BN validates better';
  return {
    story: 'generalisation',
    verdict,
    text: `${lead}: ${pct(bn.valAccuracy)} with BN (loss ${num(bn.valLoss)}), ${pct(plain.valAccuracy)} without (loss ${num(plain.valLoss)}).`,
  };
}

/** Why the stories can disagree: the moving averages that inference mode uses. */
function statisticsClaims(stats: MovingStatistics | null, bn: SideFigures, plain: SideFigures): Claim[] {
  if (!stats) return [];
  const out: Claim[] = [];
  if (!stats.settled)
    out.push({
      story: 'statistics',
      verdict: null,
      text:
        `After ${stats.steps} steps at momentum ${stats.momentum}, ${pct(stats.startShare)} of ${stats.layer}'s moving statistics is still ` +
        `its starting mean 0 and variance 1; about ${stats.stepsToSettle} steps settle it, so the validation figure with BN understates the model.`,
    });
  const bnGap = bn.finalAccuracy !== null && bn.valAccuracy !== null ? bn.finalAccuracy - bn.valAccuracy : null;
  const plainGap =
    plain.finalAccuracy !== null && plain.valAccuracy !== null ? plain.finalAccuracy - plain.valAccuracy : null;
  // A gap the twin doesn't share points at the moving statistics, not at overfitting.
  if (stats.settled && bnGap !== null && plainGap !== null && bnGap - plainGap > GAP)
    out.push({
      story: 'statistics',
      verdict: null,
      text:
        `With BN validates ${points(bnGap)} below its training accuracy, without BN ${points(plainGap)}. Validation uses the moving ` +
        `statistics, which average about the last ${Math.round(1 / (1 - stats.momentum))} steps while the weights kept changing under them; ` +
        `“Re-estimate BN statistics” measures how much of the gap that explains.`,
    });
  return out;
}

function reestimateClaim(r: Reestimate | undefined, bn: SideFigures): Claim | null {
  if (!r?.after) return null;
  const was = r.before?.accuracy ?? bn.valAccuracy;
  const change = was === null ? '' : ` (it was ${pct(was)} with the moving averages from fit)`;
  // What the measurement says about a gap to the training accuracy: re-estimating changes only the moving
  // statistics, so the share of the gap it closes is the share they caused.
  const gap = was !== null && bn.finalAccuracy !== null ? bn.finalAccuracy - was : null;
  let cause = '';
  if (was !== null && gap !== null && gap > GAP) {
    const moved = r.after.accuracy - was;
    const signed = `${moved >= 0 ? '+' : '−'}${points(moved)}`;
    cause =
      moved >= gap / 2
        ? ` Validation moved ${signed} against a gap of ${points(gap)} to its training accuracy (${pct(bn.finalAccuracy!)}): the moving averages from fit caused most of the gap, not overfitting.`
        : ` Validation moved ${signed} against a gap of ${points(gap)} to its training accuracy (${pct(bn.finalAccuracy!)}): most of the gap is not the moving averages.`;
  }
  return {
    story: 'reestimate',
    verdict: null,
    text: `With the BN statistics re-estimated over ${r.batches} training batches (${r.samples.toLocaleString('en-US')} samples, weights frozen), with BN validates at ${pct(r.after.accuracy)}${change}.${cause}`,
  };
}

export function bnReport(
  run: { document: ModelDocument; series: Record<string, RunSeries>; reestimated?: Reestimate },
  names?: ReadonlyMap<string, string>,
): BnReport {
  const bn = sideFigures(run.series.model);
  const plain = sideFigures(run.series['without BN']);
  const statistics = movingStatistics(run.document, bn.steps, names);
  const claims = [
    optimisation(bn, plain),
    generalisation(bn, plain),
    ...statisticsClaims(statistics, bn, plain),
    reestimateClaim(run.reestimated, bn),
  ].filter((c): c is Claim => c !== null);
  return { sides: { 'with BN': bn, 'without BN': plain }, statistics, claims };
}

/** One comparison of a learning-rate sweep: the same model, data and settings, at its own rate. */
export interface SweepRun {
  number: number;
  config: {
    optimizer: Parameters<typeof effectiveLearningRate>[0]['optimizer'];
    learningRate: number | null;
    epochs: number;
  };
  series: Record<string, RunSeries>;
  status: 'running' | 'stopping' | 'completed' | 'stopped' | 'failed';
}

export interface SweepSide {
  /** diverged: the loss stopped being finite (the run failed there); chance: ended near 1/classes accuracy. */
  outcome: 'diverged' | 'chance' | 'trained';
  /** The step whose loss was not finite, for a side that diverged. */
  divergedAt: number | null;
  finalLoss: number | null;
  finalAccuracy: number | null;
  valAccuracy: number | null;
}

export interface SweepPoint {
  rate: number;
  run: number;
  sides: Record<Side, SweepSide>;
}

/** Accuracy below this many times chance (1 / classes) reads as "stayed at chance". */
const CHANCE_FACTOR = 1.5;

export function sweepSide(s: RunSeries | undefined, run: SweepRun, classes: number): SweepSide {
  const f = sideFigures(s);
  // A failed run's side that finished fewer epochs than asked stopped on a loss that was not finite.
  const diverged = run.status === 'failed' && f.epochs < run.config.epochs;
  const chance = classes > 1 && f.finalAccuracy !== null && f.finalAccuracy < CHANCE_FACTOR / classes;
  return {
    outcome: diverged ? 'diverged' : chance ? 'chance' : 'trained',
    divergedAt: diverged ? (s?.step.at(-1) ?? 0) + 1 : null,
    finalLoss: f.finalLoss,
    finalAccuracy: f.finalAccuracy,
    valAccuracy: f.valAccuracy,
  };
}

/**
 * Whether a comparison's rate broke either side (it diverged, or stayed at chance): the higher-rate repeat climbs
 * no further, having found a rate that tells the two models apart (or none that either survives).
 */
export function ladderStops(run: SweepRun, classes: number): boolean {
  return ['model', 'without BN'].some((label) => sweepSide(run.series[label], run, classes).outcome !== 'trained');
}

export function sweepPoints(runs: readonly SweepRun[], classes: number): SweepPoint[] {
  return runs
    .map((r) => ({
      rate: effectiveLearningRate(r.config),
      run: r.number,
      sides: {
        'with BN': sweepSide(r.series.model, r, classes),
        'without BN': sweepSide(r.series['without BN'], r, classes),
      },
    }))
    .sort((a, b) => a.rate - b.rate);
}

function sweepSideText(s: SweepSide, classes: number): string {
  if (s.outcome === 'diverged') return `diverged (its loss was not finite at step ${s.divergedAt})`;
  const acc = s.finalAccuracy === null ? '–' : pct(s.finalAccuracy);
  const loss = s.finalLoss === null ? '' : `, loss ${num(s.finalLoss)}`;
  if (s.outcome === 'chance')
    return `stayed at chance: ${acc} training accuracy${loss} (chance is ${pct(1 / classes)})`;
  return `reached ${acc} training accuracy${s.valAccuracy === null ? '' : `, ${pct(s.valAccuracy)} validation`}`;
}

/**
 * The sweep's tolerance story: at every rate, how far each side got (training accuracy in batch-statistics mode,
 * validation in inference mode), and the verdict at the highest rate. Null below two rates.
 */
/**
 * The linear layers (Dense, the convolutions) whose output goes to no BatchNormalization: with BN elsewhere, these
 * are the ones a high learning rate still drives unnormalized (a Dense classifier after normalized features, most
 * often). Names as the canvas shows them.
 */
export function unnormalizedLinear(doc: ModelDocument, names?: ReadonlyMap<string, string>): string[] {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const normalized = (id: string) =>
    doc.edges.some((e) => e.source === id && hasTrait(byId.get(e.target)?.className ?? '', 'batchStatistics'));
  return doc.nodes
    .filter((n) => hasTrait(n.className, 'linearWithBias') && !normalized(n.id))
    .map((n) => names?.get(n.id) ?? n.name ?? n.id);
}

export function sweepClaim(
  points: readonly SweepPoint[],
  classes: number,
  /** unnormalizedLinear() of the model: named when BN is the side that fails at the highest rate. */
  unnormalized: readonly string[] = [],
): Claim | null {
  // A side that neither diverged nor finished an epoch has nothing to report yet.
  const unfinished = (s: SweepSide) => s.outcome !== 'diverged' && s.finalAccuracy === null;
  if (points.length < 2 || points.some((p) => unfinished(p.sides['with BN']) || unfinished(p.sides['without BN'])))
    return null;
  const top = points.at(-1)!;
  const failed = (s: SweepSide) => s.outcome !== 'trained';
  const bn = top.sides['with BN'];
  const plain = top.sides['without BN'];
  const at = rateText(top.rate);
  let verdict: Verdict;
  let lead: string;
  if (failed(plain) && !failed(bn)) {
    verdict = 'with BN';
    lead = `With BN tolerates the highest rate, ${at}: there without BN ${plain.outcome === 'diverged' ? 'diverged' : 'stayed at chance'}, while with BN trained`;
  } else if (failed(bn) && !failed(plain)) {
    verdict = 'without BN';
    lead = `Without BN tolerates the highest rate, ${at}, better: there with BN ${bn.outcome === 'diverged' ? 'diverged' : 'stayed at chance'}, while without BN trained`;
  } else if (failed(bn)) {
    verdict = 'same';
    lead = `Neither model trains at the highest rate, ${at}`;
  } else {
    verdict = accuracyVerdict(bn.finalAccuracy!, plain.finalAccuracy!);
    lead = `Both train at the highest rate, ${at}`;
  }
  const each = points
    .map(
      (p) =>
        `at ${rateText(p.rate)} (run #${p.run}) with BN ${sweepSideText(p.sides['with BN'], classes)}, without BN ${sweepSideText(p.sides['without BN'], classes)}`,
    )
    .join('; ');
  const hint =
    failed(bn) && unnormalized.length
      ? ` ${unnormalized.join(', ')} ${unnormalized.length === 1 ? 'has' : 'have'} no BatchNormalization after ${unnormalized.length === 1 ? 'it' : 'them'}: normalize the classifier too, Dense(use_bias=False) → BatchNormalization → softmax, as the template “CNN, BN between convolution and activation” does.`
      : '';
  return { story: 'learning-rate', verdict, text: `${lead}. ${each[0].toUpperCase()}${each.slice(1)}.${hint}` };
}
