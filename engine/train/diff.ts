/**
 * What differs between two training runs: their settings, and the graphs they trained (layers added, removed or
 * changed, connections). A layer never changes class, so layers are matched by id and class first (two snapshots
 * of one canvas share ids, even where a deletion renumbered the names), then by Keras name and class (the same
 * model built twice has new ids, or ids that now mean other layers, but the same names).
 */
import type { ConfigValue } from '../layers/types';
import { OPTIMIZER_DEFAULTS, type OptimizerName } from './optimizers';
import type { ModelDocument } from '../graph/document';
import { assignNames } from '../graph/naming';

/** A run's settings as the comparison shows them (the dataset by its title). */
export interface ComparedSettings {
  dataset: string;
  /** null: every sample. */
  subset: number | null;
  optimizer: string;
  /** null: the optimizer's Keras default. */
  learningRate: number | null;
  batchSize: number;
  epochs: number;
  loss: string;
  validationSplit: number;
  seed: number;
}

export interface SettingDiff {
  key: keyof ComparedSettings;
  label: string;
  a: string;
  b: string;
}

const SETTING_LABELS: Record<keyof ComparedSettings, string> = {
  dataset: 'dataset',
  subset: 'subset',
  optimizer: 'optimizer',
  learningRate: 'learning rate',
  batchSize: 'batch size',
  epochs: 'epochs',
  loss: 'loss',
  validationSplit: 'validation split',
  seed: 'seed',
};

function effectiveRate(s: ComparedSettings): number | null {
  return s.learningRate ?? OPTIMIZER_DEFAULTS[s.optimizer as OptimizerName]?.learning_rate ?? null;
}

function settingText(s: ComparedSettings, key: keyof ComparedSettings): string {
  switch (key) {
    case 'subset':
      return s.subset === null ? 'all samples' : `${s.subset.toLocaleString('en-US')} samples`;
    case 'learningRate': {
      const rate = effectiveRate(s);
      if (s.learningRate !== null) return String(s.learningRate);
      return rate === null ? 'default' : `${rate} (default)`;
    }
    case 'validationSplit':
      return `${+(s.validationSplit * 100).toFixed(2)} %`;
    default:
      return String(s[key]);
  }
}

/** The settings that differ, in the order the settings form lists them; a default learning rate equal to the other's given one is no difference. */
export function diffSettings(a: ComparedSettings, b: ComparedSettings): SettingDiff[] {
  const out: SettingDiff[] = [];
  for (const key of Object.keys(SETTING_LABELS) as (keyof ComparedSettings)[]) {
    const same = key === 'learningRate' ? effectiveRate(a) === effectiveRate(b) : a[key] === b[key];
    if (!same) out.push({ key, label: SETTING_LABELS[key], a: settingText(a, key), b: settingText(b, key) });
  }
  return out;
}

export interface LayerRef {
  id: string;
  name: string;
  className: string;
}

export interface ValueChange {
  key: string;
  /** Keras-style literals (`(3, 3)`, `'relu'`, `True`, `None`); `—` where the option is absent. */
  a: string;
  b: string;
}

export interface LayerChange {
  a: LayerRef;
  b: LayerRef;
  config: ValueChange[];
}

export interface Connection {
  from: string;
  to: string;
}

export interface GraphDiff {
  /** The model's own name and class. */
  model: ValueChange[];
  added: LayerRef[];
  removed: LayerRef[];
  /** Matched layers whose name or options differ. */
  changed: LayerChange[];
  /** By layer name (each side's own name for a layer only it has). */
  connectionsAdded: Connection[];
  connectionsRemoved: Connection[];
}

export function isSameGraph(d: GraphDiff): boolean {
  return (
    d.model.length +
      d.added.length +
      d.removed.length +
      d.changed.length +
      d.connectionsAdded.length +
      d.connectionsRemoved.length ===
    0
  );
}

/** A config value as Keras code writes it. */
export function formatValue(v: ConfigValue | undefined): string {
  if (v === undefined) return '—';
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return v.length === 1 ? `(${formatValue(v[0])},)` : `(${v.map(formatValue).join(', ')})`;
  return String(v);
}

const sameValue = (x: ConfigValue | undefined, y: ConfigValue | undefined) => JSON.stringify(x) === JSON.stringify(y);

export function diffGraphs(a: ModelDocument, b: ModelDocument): GraphDiff {
  const namesA = assignNames(a.nodes);
  const namesB = assignNames(b.nodes);
  const refA = (id: string): LayerRef => ({
    id,
    name: namesA.get(id)!,
    className: a.nodes.find((n) => n.id === id)!.className,
  });
  const refB = (id: string): LayerRef => ({
    id,
    name: namesB.get(id)!,
    className: b.nodes.find((n) => n.id === id)!.className,
  });

  // a's node id → b's node id
  const match = new Map<string, string>();
  const classB = new Map(b.nodes.map((n) => [n.id, n.className]));
  for (const n of a.nodes) if (classB.get(n.id) === n.className) match.set(n.id, n.id);
  const taken = new Set(match.values());
  const byNameB = new Map(
    b.nodes.filter((n) => !taken.has(n.id)).map((n) => [`${n.className} ${namesB.get(n.id)}`, n.id]),
  );
  for (const n of a.nodes) {
    if (match.has(n.id)) continue;
    const named = `${n.className} ${namesA.get(n.id)}`;
    const other = byNameB.get(named);
    if (other !== undefined) {
      match.set(n.id, other);
      byNameB.delete(named);
    }
  }
  const matchedB = new Set(match.values());

  const changed: LayerChange[] = [];
  for (const [idA, idB] of match) {
    const na = a.nodes.find((n) => n.id === idA)!;
    const nb = b.nodes.find((n) => n.id === idB)!;
    const config: ValueChange[] = [];
    if (namesA.get(idA) !== namesB.get(idB))
      config.push({ key: 'name', a: `'${namesA.get(idA)}'`, b: `'${namesB.get(idB)}'` });
    const keys = [...new Set([...Object.keys(na.config), ...Object.keys(nb.config)])];
    for (const key of keys)
      if (!sameValue(na.config[key], nb.config[key]))
        config.push({ key, a: formatValue(na.config[key]), b: formatValue(nb.config[key]) });
    if (config.length) changed.push({ a: refA(idA), b: refB(idB), config });
  }

  // Connections compared on b's ids (a's own id, tagged, for a layer only a has).
  const key = (from: string, to: string) => `${from}\u0000${to}`;
  const onB = (id: string) => match.get(id) ?? `a:${id}`;
  const nameOf = (id: string) => (id.startsWith('a:') ? namesA.get(id.slice(2))! : namesB.get(id)!);
  const edgesA = new Map(
    a.edges.map((e) => [key(onB(e.source), onB(e.target)), { from: onB(e.source), to: onB(e.target) }]),
  );
  const edgesB = new Map(b.edges.map((e) => [key(e.source, e.target), { from: e.source, to: e.target }]));
  const named = (e: { from: string; to: string }): Connection => ({ from: nameOf(e.from), to: nameOf(e.to) });

  const model: ValueChange[] = [];
  if (a.name !== b.name) model.push({ key: 'name', a: `'${a.name}'`, b: `'${b.name}'` });
  if ((a.modelClass ?? 'auto') !== (b.modelClass ?? 'auto'))
    model.push({ key: 'model class', a: a.modelClass ?? 'auto', b: b.modelClass ?? 'auto' });

  return {
    model,
    added: b.nodes.filter((n) => !matchedB.has(n.id)).map((n) => refB(n.id)),
    removed: a.nodes.filter((n) => !match.has(n.id)).map((n) => refA(n.id)),
    changed,
    connectionsAdded: [...edgesB].filter(([k]) => !edgesA.has(k)).map(([, e]) => named(e)),
    connectionsRemoved: [...edgesA].filter(([k]) => !edgesB.has(k)).map(([, e]) => named(e)),
  };
}
