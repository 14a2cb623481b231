/** The inspector: a typed form for the selected layer, generated from its registry fields. */
import { useEffect, useMemo, useState } from 'react';
import { formatShape } from '../../../engine/api/core';
import type { DocNode } from '../../../engine/api/graph';
import { assignNames, checkLayerName } from '../../../engine/api/graph';
import { thousands } from '../../../engine/api/graph';
import { allFields } from '../../../engine/api/layers';
import { getLayer } from '../../../engine/api/layers';
import type { ConfigValue } from '../../../engine/api/layers';
import { renameNode, setConfigValue } from '../../stores/edits';
import { useGraph } from '../../stores/graph';
import { useInference } from '../../stores/inference';
import { useUi } from '../../stores/ui';
import { FieldRow } from './FieldInput';
import { FixButtons } from '../../canvas/FixButtons';
import { deleteSelection } from '../../actions/edit-actions';

function NameField({ node }: { node: DocNode }) {
  const doc = useGraph((s) => s.doc);
  const automatic = useMemo(() => {
    const { name: _n, ...unnamed } = node;
    return assignNames(doc.nodes.map((n) => (n.id === node.id ? unnamed : n))).get(node.id) ?? '';
  }, [doc.nodes, node]);
  const [draft, setDraft] = useState(node.name ?? '');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDraft(node.name ?? '');
    setError(null);
  }, [node.name]);
  const commit = () => {
    const reason = draft.trim() ? checkLayerName(draft.trim()) : null;
    setError(reason);
    if (!reason && draft.trim() !== (node.name ?? '')) useGraph.getState().commit((d) => renameNode(d, node.id, draft));
  };
  return (
    <div className="field-row">
      <label className="field-label" htmlFor="field-name">
        name
      </label>
      <div className="field-editor">
        <input
          id="field-name"
          className={`field-input ${error ? 'is-invalid' : ''}`}
          data-testid="inspector-field-name"
          value={draft}
          placeholder={automatic}
          onChange={(e) => {
            setDraft(e.target.value);
            setError(e.target.value.trim() ? checkLayerName(e.target.value.trim()) : null);
          }}
          onBlur={commit}
          onKeyDown={(e) => e.key === 'Enter' && commit()}
        />
      </div>
      {error ? (
        <div className="field-error" role="alert" data-testid="inspector-error-name">
          {error}
        </div>
      ) : (
        <div className="field-doc">Empty: Keras's automatic name, {automatic}.</div>
      )}
    </div>
  );
}

export function Inspector() {
  const selected = useUi((s) => s.selectedNodes);
  const node = useGraph((s) => (selected.length === 1 ? s.doc.nodes.find((n) => n.id === selected[0]) : undefined));
  const inference = useInference();
  if (!node) {
    return (
      <aside className="inspector" aria-label="Inspector">
        <div className="panel-title">Inspector</div>
        <p className="inspector-empty">
          {selected.length > 1 ? `${selected.length} layers selected.` : 'Select a layer to edit its arguments.'}
        </p>
      </aside>
    );
  }
  const def = getLayer(node.className);
  const info = inference.nodes.get(node.id);
  const fields = def ? Object.entries(allFields(def)) : [];
  const commit = (key: string) => (value: ConfigValue) =>
    useGraph.getState().commit((d) => setConfigValue(d, node.id, key, value));
  const rows = (advanced: boolean) =>
    fields
      .filter(([, spec]) => Boolean(spec.advanced) === advanced)
      .map(([key, spec]) => (
        <FieldRow key={key} fieldKey={key} spec={spec} value={node.config[key]} onCommit={commit(key)} />
      ));
  return (
    <aside className="inspector" aria-label="Inspector" data-testid="inspector">
      <div className="panel-title">
        <span className={`inspector-swatch group-${(def?.group ?? 'core').toLowerCase()}`} aria-hidden="true" />
        {node.className}
      </div>
      <div className="inspector-body" key={node.id}>
        {def ? <p className="inspector-description">{def.description}</p> : null}
        {def?.details ? <p className="inspector-details">{def.details}</p> : null}
        {info ? (
          <dl className="inspector-facts">
            <dt>Output</dt>
            <dd data-testid="inspector-shape">{formatShape(info.outputShape)}</dd>
            <dt>Params</dt>
            <dd>
              {thousands(info.trainableParams + info.nonTrainableParams)}
              {info.nonTrainableParams ? ` (${thousands(info.nonTrainableParams)} non-trainable)` : ''}
            </dd>
          </dl>
        ) : null}
        {info?.problems.length ? (
          <ul className="inspector-problems">
            {info.problems.map((p, i) => (
              <li key={i} className={`problem-${p.severity}`}>
                <span className="problem-icon" aria-hidden="true">
                  {p.severity === 'error' ? '✖' : '▲'}
                </span>
                <span>
                  {p.message}
                  {p.hint ? <span className="problem-hint"> — {p.hint}</span> : null}
                  <FixButtons problem={p} />
                </span>
              </li>
            ))}
          </ul>
        ) : null}
        <div className="inspector-actions">
          <button
            type="button"
            data-testid="delete-layer"
            onClick={() => deleteSelection(false)}
            title="Delete (Del): the layers around it stay unconnected"
          >
            Delete
          </button>
          {info &&
          inference.topology.incoming.get(node.id)?.length &&
          inference.topology.outgoing.get(node.id)?.length ? (
            <button
              type="button"
              data-testid="delete-reconnect"
              onClick={() => deleteSelection(true)}
              title="Delete and reconnect (Ctrl+Del): the layer before it feeds the layer after it"
            >
              Delete and reconnect <kbd>Ctrl+Del</kbd>
            </button>
          ) : null}
        </div>
        <NameField node={node} />
        {rows(false)}
        {fields.some(([, s]) => s.advanced) ? (
          <details className="inspector-advanced">
            <summary>Advanced</summary>
            {rows(true)}
          </details>
        ) : null}
      </div>
    </aside>
  );
}
