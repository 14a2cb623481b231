/** The Train tab's left column: dataset (checked against the Input, with a fix), settings, and the run buttons. */
import { useState } from 'react';
import { BUILTIN_DATASETS, builtinInfo } from '../../../engine/api/data';
import { formatSampleShape } from '../../../engine/api/data';
import type { Inference } from '../../../engine/api/graph';
import { LOSSES } from '../../../engine/api/train';
import { OPTIMIZER_DEFAULTS, OPTIMIZERS, type OptimizerName } from '../../../engine/api/train';
import { useGraph } from '../../stores/graph';
import { useTraining, type TrainConfig } from '../../stores/training';
import { applyFixes } from '../../actions/edit-actions';
import { checkInput, checkOutput, suggestLoss, trainBlocker, withInputShape } from './model-check';
import { datasetInfo, useDatasets, type DatasetId } from '../../stores/datasets';
import {
  CsvLabelPicker,
  FolderSizeFields,
  ImportDataButton,
  ImportFolderButton,
  ImportProblemView,
} from './DatasetImport';
import { folderDefaults } from './import-folder';
import { DatasetPreview } from './DatasetPreview';
import { ladderRates, rateText, sweepRates } from './time-to-target';
import { hasTrait } from '../../../engine/api/layers';

interface NumberFieldProps {
  label: string;
  testId: string;
  value: number | null;
  /** Shown when the field is empty (null allowed only when given). */
  emptyText?: string;
  check(n: number): boolean;
  rule: string;
  onValid(n: number | null): void;
  onValidity(valid: boolean): void;
}

function NumberField({ label, testId, value, emptyText, check, rule, onValid, onValidity }: NumberFieldProps) {
  const [text, setText] = useState(value === null ? '' : String(value));
  const [invalid, setInvalid] = useState(false);
  const change = (t: string) => {
    setText(t);
    const trimmed = t.trim();
    const n = Number(trimmed);
    const ok = trimmed === '' ? emptyText !== undefined : Number.isFinite(n) && check(n);
    setInvalid(!ok);
    onValidity(ok);
    if (ok) onValid(trimmed === '' ? null : n);
  };
  return (
    <label className="train-field" title={invalid ? `${label} must be ${rule}` : undefined}>
      <span>{label}</span>
      <input
        className={`field-input ${invalid ? 'is-invalid' : ''}`}
        data-testid={testId}
        inputMode="decimal"
        value={text}
        placeholder={emptyText}
        aria-invalid={invalid}
        onChange={(e) => change(e.target.value)}
      />
    </label>
  );
}

const isWhole = (min: number) => (n: number) => Number.isInteger(n) && n >= min;

export function SettingsForm({
  inference,
  running,
  onStart,
  onCompare,
  onSweep,
  onStop,
}: {
  inference: Inference;
  running: boolean;
  onStart(): void;
  onCompare(options: { higherLr: boolean }): void;
  onSweep(): void;
  onStop(): void;
}) {
  const [higherLr, setHigherLr] = useState(false);
  const doc = useGraph((s) => s.doc);
  const config = useTraining((s) => s.config);
  const setConfig = useTraining((s) => s.setConfig);
  const status = useTraining((s) => s.runs.find((r) => r.id === s.activeId)?.status);
  const [invalidFields, setInvalidFields] = useState<ReadonlySet<string>>(new Set());
  const imported = useDatasets((s) => s.imported);
  const info = datasetInfo(config.datasetId, imported) ?? builtinInfo('mnist')!;
  const check = checkInput(doc, inference, info);
  const output = check.kind === 'ok' ? checkOutput(inference, info, config.loss) : ({ kind: 'ok' } as const);
  // Errors on the canvas and loose outputs block a run too; the canvas shows where they are.
  const blocker = trainBlocker(doc, inference, info, config.loss);
  const modelProblem = check.kind === 'ok' && output.kind === 'ok' ? blocker : null;
  const suggested = suggestLoss(inference, info);
  const hasBn = doc.nodes.some((n) => hasTrait(n.className, 'batchStatistics'));
  const validity = (field: string) => (valid: boolean) =>
    setInvalidFields((prev) => {
      const next = new Set(prev);
      if (valid) next.delete(field);
      else next.add(field);
      return next;
    });
  const num = (field: keyof TrainConfig) => ({
    onValidity: validity(field),
    onValid: (n: number | null) => setConfig({ [field]: n } as Partial<TrainConfig>),
  });
  const blocked = running || blocker !== null || invalidFields.size > 0;
  const why = blocker
    ? `${blocker.message} ${blocker.hint}`
    : invalidFields.size
      ? 'Fix the settings marked in red.'
      : undefined;

  return (
    <div className="train-settings">
      <div className="dataset-row">
        <label className="train-field train-field-wide">
          <span>Dataset</span>
          <select
            className="field-input"
            data-testid="train-dataset"
            value={config.datasetId}
            onChange={(e) => setConfig({ datasetId: e.target.value as DatasetId })}
          >
            {BUILTIN_DATASETS.map((d) => (
              <option key={d.id} value={d.id}>
                {d.title} — {formatSampleShape(d.sampleShape)}, {d.numClasses} classes
              </option>
            ))}
            {imported.length ? (
              <optgroup label="Imported">
                {imported.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.fileName} — {formatSampleShape(d.dataset.sampleShape)},{' '}
                    {d.dataset.numClasses ? `${d.dataset.numClasses} classes` : 'regression'}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </label>
      </div>
      <div className="dataset-import-row">
        <ImportDataButton disabled={running} />
        <ImportFolderButton disabled={running} defaults={folderDefaults(doc, inference)} />
      </div>
      <ImportProblemView />
      <CsvLabelPicker datasetId={config.datasetId} />
      <FolderSizeFields datasetId={config.datasetId} disabled={running} />
      <div className="train-check" data-testid="train-check">
        {check.kind === 'ok' && output.kind === 'mismatch' ? (
          <div className="problem-error train-check-problem" data-testid="train-check-output">
            <div>{output.message}</div>
            <div className="problem-hint">{output.hint}</div>
            {output.fixes.map((fix) => (
              <button key={fix.label} type="button" data-testid="train-fix-output" onClick={() => applyFixes([fix])}>
                {fix.label}
              </button>
            ))}
          </div>
        ) : modelProblem ? (
          <div className="problem-error train-check-problem" data-testid="train-check-model">
            <div>{modelProblem.message}</div>
            <div className="problem-hint">{modelProblem.hint}</div>
          </div>
        ) : check.kind === 'ok' ? (
          <span className="train-check-ok">
            ✓ Fits the Input {formatSampleShape(info.sampleShape)}; {info.count.toLocaleString('en-US')} samples.
          </span>
        ) : check.kind === 'mismatch' ? (
          <div className="problem-error train-check-problem">
            <div>{check.mismatch.message}</div>
            <div className="problem-hint">{check.mismatch.hint}</div>
            <button
              type="button"
              data-testid="train-fix-input"
              onClick={() =>
                'shape' in check.mismatch.fix &&
                useGraph
                  .getState()
                  .commit((d) => withInputShape(d, check.nodeId, (check.mismatch.fix as { shape: number[] }).shape))
              }
            >
              {check.fixLabel}
            </button>
          </div>
        ) : (
          <div className="problem-error train-check-problem">
            <div>{check.message}</div>
            <div className="problem-hint">{check.hint}</div>
          </div>
        )}
      </div>
      <div className="train-grid">
        <NumberField
          label="Subset"
          testId="train-subset"
          value={config.subset}
          emptyText="all"
          check={isWhole(1)}
          rule="a whole number ≥ 1, or empty for all"
          {...num('subset')}
        />
        <NumberField
          label="Epochs"
          testId="train-epochs"
          value={config.epochs}
          check={(n) => isWhole(1)(n) && n <= 10_000}
          rule="a whole number from 1 to 10000"
          {...num('epochs')}
        />
        <NumberField
          label="Batch size"
          testId="train-batch-size"
          value={config.batchSize}
          check={(n) => isWhole(1)(n) && n <= 65_536}
          rule="a whole number ≥ 1"
          {...num('batchSize')}
        />
        <NumberField
          label="Seed"
          testId="train-seed"
          value={config.seed}
          check={isWhole(0)}
          rule="a whole number ≥ 0"
          {...num('seed')}
        />
        <label className="train-field">
          <span>Optimizer</span>
          <select
            className="field-input"
            data-testid="train-optimizer"
            value={config.optimizer}
            onChange={(e) => setConfig({ optimizer: e.target.value as OptimizerName })}
          >
            {OPTIMIZERS.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <NumberField
          label="Learning rate"
          testId="train-lr"
          value={config.learningRate}
          emptyText={String(OPTIMIZER_DEFAULTS[config.optimizer].learning_rate)}
          check={(n) => n > 0}
          rule="a positive number"
          {...num('learningRate')}
        />
        <NumberField
          label="Validation split"
          testId="train-val-split"
          value={config.validationSplit}
          check={(n) => n >= 0 && n < 1}
          rule="from 0 up to (not including) 1"
          {...num('validationSplit')}
        />
        <label className="train-field">
          <span>Loss</span>
          <select
            className="field-input"
            data-testid="train-loss"
            value={config.loss}
            onChange={(e) => setConfig({ loss: e.target.value as TrainConfig['loss'] })}
          >
            <option value="auto">auto: {suggested}</option>
            {LOSSES.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
      </div>
      {/* Start, Stop and the comparison stay in view at the column's foot while the form above scrolls. */}
      <div className="train-buttons train-actions" data-testid="train-actions">
        <button
          type="button"
          className="primary"
          data-testid="train-start"
          disabled={blocked}
          title={why}
          onClick={onStart}
        >
          ▶ Start
        </button>
        <button type="button" data-testid="train-stop" disabled={!running || status === 'stopping'} onClick={onStop}>
          ■ Stop
        </button>
        <button
          type="button"
          data-testid="train-compare-bn"
          disabled={blocked || !hasBn}
          title={
            hasBn
              ? 'Train this model and its twin without BatchNormalization on the same seed, data and settings'
              : 'The model has no BatchNormalization to compare against'
          }
          onClick={() => onCompare({ higherLr })}
        >
          With / without BN
        </button>
      </div>
      <div className="train-buttons">
        <button
          type="button"
          data-testid="train-lr-sweep"
          disabled={blocked || !hasBn}
          title={
            hasBn
              ? 'With / without BN at three learning rates, one run each: the rate set here, 10× and 100× it'
              : 'The model has no BatchNormalization to compare against'
          }
          onClick={onSweep}
        >
          Learning-rate sweep ({sweepRates(config).map(rateText).join(' · ')})
        </button>
      </div>
      <label
        className="train-check-option"
        title={`After the comparison, run it again at ${ladderRates(config).map(rateText).join(', then at ')}, stopping at the first rate at which either model fails to train (diverges or stays at chance); the report states each rate's figures.`}
      >
        <input
          type="checkbox"
          data-testid="train-compare-higher-lr"
          checked={higherLr}
          disabled={!hasBn}
          onChange={(e) => setHigherLr(e.target.checked)}
        />
        Repeat at {ladderRates(config).map(rateText).join(', then ')}, until a model fails
      </label>
      <DatasetPreview datasetId={config.datasetId} />
    </div>
  );
}
