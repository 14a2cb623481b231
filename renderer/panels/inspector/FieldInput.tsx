/** One config field of the inspector, its editor chosen by the field's type; invalid values are refused in place. */
import { useEffect, useState, type KeyboardEvent } from 'react';
import {
  checkValue,
  freshRule,
  parseRule,
  ruleArgText,
  ruleText,
  valuesEqual,
  withRuleArg,
} from '../../../engine/api/layers';
import type { ConfigValue, FieldSpec } from '../../../engine/api/layers';
import { defaultText, parseFieldText, valueText } from './parse';

interface Props {
  fieldKey: string;
  spec: FieldSpec;
  value: ConfigValue | undefined;
  onCommit: (value: ConfigValue) => void;
}

/** The reason a value is refused, or null; parse errors and Keras's constructor checks alike. */
function refusal(key: string, spec: FieldSpec, value: ConfigValue): string | null {
  return checkValue(key, spec, value);
}

function TextField({ fieldKey, spec, value, onCommit }: Props) {
  const [draft, setDraft] = useState(valueText(value));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDraft(valueText(value));
    setError(null);
  }, [value]);

  const check = (text: string) => {
    const parsed = parseFieldText(fieldKey, spec, text);
    if (!parsed.ok) return { value: null, reason: parsed.reason };
    return { value: parsed.value, reason: refusal(fieldKey, spec, parsed.value) };
  };
  const commit = () => {
    const { value: next, reason } = check(draft);
    setError(reason);
    if (!reason && !valuesEqual(next as ConfigValue, value)) onCommit(next as ConfigValue);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') commit();
    if (e.key === 'Escape') {
      setDraft(valueText(value));
      setError(null);
    }
  };
  return (
    <>
      <input
        id={`field-${fieldKey}`}
        className={`field-input ${error ? 'is-invalid' : ''}`}
        data-testid={`inspector-field-${fieldKey}`}
        type="text"
        inputMode={spec.type === 'int' || spec.type === 'float' ? 'decimal' : 'text'}
        value={draft}
        placeholder={`default: ${defaultText(spec)}`}
        aria-invalid={error ? true : undefined}
        onChange={(e) => {
          setDraft(e.target.value);
          setError(check(e.target.value).reason);
        }}
        onBlur={commit}
        onKeyDown={onKey}
      />
      <FieldError fieldKey={fieldKey} error={error} />
    </>
  );
}

function IntsField({ fieldKey, spec, value, onCommit }: Props) {
  const length = spec.type === 'ints' ? spec.length : 2;
  const current = Array.isArray(value)
    ? (value as number[])
    : Array.from({ length }, () => (typeof value === 'number' ? value : NaN));
  const [draft, setDraft] = useState(current.map((v) => (Number.isFinite(v) ? String(v) : '')));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDraft(current.map((v) => (Number.isFinite(v) ? String(v) : '')));
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);

  const check = (texts: string[]) => {
    const nums = texts.map((t) => (/^\s*-?\d+\s*$/.test(t) ? Number(t) : NaN));
    if (nums.some((n) => Number.isNaN(n)))
      return { value: null, reason: `${fieldKey} takes whole numbers, got (${texts.join(', ')})` };
    return { value: nums, reason: refusal(fieldKey, spec, nums) };
  };
  const commit = () => {
    const { value: next, reason } = check(draft);
    setError(reason);
    if (!reason && !valuesEqual(next as ConfigValue, value)) onCommit(next as ConfigValue);
  };
  return (
    <>
      <span className="field-tuple" data-testid={`inspector-field-${fieldKey}`}>
        {draft.map((d, i) => (
          <input
            key={i}
            id={i === 0 ? `field-${fieldKey}` : undefined}
            className={`field-input field-small ${error ? 'is-invalid' : ''}`}
            data-testid={`inspector-field-${fieldKey}-${i}`}
            type="text"
            inputMode="numeric"
            aria-label={`${fieldKey} [${i}]`}
            value={d}
            placeholder={spec.default === null ? 'None' : String((spec.default as number[])[i])}
            onChange={(e) => {
              const next = draft.slice();
              next[i] = e.target.value;
              setDraft(next);
              setError(check(next).reason);
            }}
            onBlur={commit}
            onKeyDown={(e) => e.key === 'Enter' && commit()}
          />
        ))}
      </span>
      <FieldError fieldKey={fieldKey} error={error} />
    </>
  );
}

/** One argument of a regularizer or constraint: typed, checked as Keras checks it, committed as the whole rule. */
function RuleArgInput({
  fieldKey,
  kind,
  text,
  argKey,
  onCommit,
}: {
  fieldKey: string;
  kind: 'regularizer' | 'constraint';
  text: string;
  argKey: string;
  onCommit: (value: ConfigValue) => void;
}) {
  const rule = parseRule(kind, text)!;
  const shown = ruleArgText(rule.args[argKey]);
  const [draft, setDraft] = useState(shown);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDraft(shown);
    setError(null);
  }, [shown]);
  const commit = () => {
    const next = withRuleArg(kind, rule, argKey, draft);
    setError(typeof next === 'string' ? next : null);
    if (typeof next !== 'string' && ruleText(next) !== text) onCommit(ruleText(next));
  };
  return (
    <label className="field-rule-arg">
      <span className="field-rule-key">{argKey}</span>
      <input
        className={`field-input field-small ${error ? 'is-invalid' : ''}`}
        data-testid={`inspector-field-${fieldKey}-${argKey}`}
        type="text"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      <FieldError fieldKey={`${fieldKey}-${argKey}`} error={error} />
    </label>
  );
}

/** A regularizer or constraint: its class (None, L1, L2, L1L2 / MaxNorm, NonNeg, …) and that class's arguments. */
function RuleField({ fieldKey, spec, value, onCommit }: Props) {
  if (spec.type !== 'enum' || !spec.rule) return null;
  const kind = spec.rule;
  const text = typeof value === 'string' ? value : null;
  const rule = text === null ? null : parseRule(kind, text);
  const classes = spec.options.map((o) => o.slice(0, o.indexOf('(')));
  return (
    <span className="field-rule">
      <select
        id={`field-${fieldKey}`}
        className="field-input"
        data-testid={`inspector-field-${fieldKey}`}
        value={rule?.cls ?? ''}
        onChange={(e) => onCommit(e.target.value === '' ? null : ruleText(freshRule(kind, e.target.value)))}
      >
        <option value="">None</option>
        {classes.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
      {rule && text
        ? Object.keys(rule.args).map((argKey) => (
            <RuleArgInput
              key={`${rule.cls}-${argKey}`}
              fieldKey={fieldKey}
              kind={kind}
              text={text}
              argKey={argKey}
              onCommit={onCommit}
            />
          ))
        : null}
    </span>
  );
}

function EditorFor(props: Props) {
  const { fieldKey, spec, value, onCommit } = props;
  if (spec.type === 'enum' && spec.rule) return <RuleField {...props} />;
  switch (spec.type) {
    case 'bool':
      return (
        <input
          id={`field-${fieldKey}`}
          type="checkbox"
          className="field-check"
          data-testid={`inspector-field-${fieldKey}`}
          checked={value === true}
          onChange={(e) => onCommit(e.target.checked)}
        />
      );
    case 'enum':
      return (
        <select
          id={`field-${fieldKey}`}
          className="field-input"
          data-testid={`inspector-field-${fieldKey}`}
          value={value === null || value === undefined ? '' : String(value)}
          onChange={(e) => onCommit(e.target.value === '' && spec.nullable ? null : e.target.value)}
        >
          {spec.nullable ? <option value="">None</option> : null}
          {/* A value beyond the options that the field accepts (an imported VarianceScaling(…)) shows as itself. */}
          {typeof value === 'string' && !spec.options.includes(value) ? <option value={value}>{value}</option> : null}
          {spec.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case 'ints':
      return <IntsField {...props} />;
    default:
      return <TextField {...props} />;
  }
}

/** A labelled field row: the editor, a None toggle where Python's None is allowed, and the Keras default. */
export function FieldRow(props: Props) {
  const { fieldKey, spec, value, onCommit } = props;
  const nullable = 'nullable' in spec && spec.nullable && spec.type !== 'enum';
  const isNone = value === null;
  const fallback =
    spec.default === null
      ? spec.type === 'ints'
        ? Array.from({ length: spec.length }, () => 1)
        : 1
      : (spec.default as ConfigValue);
  return (
    <div className="field-row" title={spec.doc}>
      <label className="field-label" htmlFor={`field-${fieldKey}`}>
        {fieldKey}
      </label>
      <div className="field-editor">
        {nullable && isNone ? (
          <span className="field-none" data-testid={`inspector-field-${fieldKey}`}>
            None
          </span>
        ) : (
          <EditorFor {...props} />
        )}
        {nullable ? (
          <label className="field-none-toggle">
            <input
              type="checkbox"
              data-testid={`inspector-none-${fieldKey}`}
              checked={isNone}
              onChange={(e) => onCommit(e.target.checked ? null : fallback)}
            />
            None
          </label>
        ) : null}
      </div>
      <div className="field-doc">
        {spec.doc} <span className="field-default">default: {defaultText(spec)}</span>
      </div>
    </div>
  );
}

/** Why the value typed was refused, under the field. */
function FieldError({ fieldKey, error }: { fieldKey: string; error: string | null }) {
  if (!error) return null;
  return (
    <div className="field-error" role="alert" data-testid={`inspector-error-${fieldKey}`}>
      {error}
    </div>
  );
}
