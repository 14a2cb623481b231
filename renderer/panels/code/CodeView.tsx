/**
 * The code view: the document as Keras Python, kept in step with the canvas. Edits are a draft until Apply imports
 * them; a draft that does not parse leaves the canvas as it is and shows each error at its line and column.
 */
import Editor, { type OnMount } from '@monaco-editor/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FormatError } from '../../../engine/api/core';
import { exportKerasPython, importKerasPython } from '../../../engine/api/formats';
import { getHost } from '../../services/host-instance';
import { useGraph } from '../../stores/graph';
import { useInference } from '../../stores/inference';
import { useUi } from '../../stores/ui';
import { applyImported } from '../../actions/apply-imported';
import { registerCodeEditorUndo } from '../../actions/text-undo';
import { monaco } from './monaco-setup';

type CodeEditor = Parameters<OnMount>[0];
const MARKER_OWNER = 'layercanvas';

function toMarkers(errors: FormatError[]) {
  return errors.map((e) => {
    const line = e.location?.line ?? 1;
    const column = e.location?.column ?? 1;
    return {
      severity: monaco.MarkerSeverity.Error,
      message: e.hint ? `${e.message}\n${e.hint}` : e.message,
      startLineNumber: line,
      startColumn: column,
      endLineNumber: e.location?.endLine ?? line,
      endColumn: e.location?.endColumn ?? column + 1,
    };
  });
}

export function CodeView({ dark }: { dark: boolean }) {
  const doc = useGraph((s) => s.doc);
  const inference = useInference();
  const flavor = useUi((s) => s.flavor);
  // Positions do not change the code: regenerate only when the structure (the inference) or the name does.
  const generated = useMemo(() => exportKerasPython(doc, { flavor }), [inference, doc.name, flavor]); // eslint-disable-line react-hooks/exhaustive-deps
  const [draft, setDraft] = useState<string | null>(null);
  const [errors, setErrors] = useState<FormatError[]>([]);
  const editor = useRef<CodeEditor | null>(null);
  const text = draft ?? generated;

  useEffect(() => {
    const model = editor.current?.getModel();
    if (model) monaco.editor.setModelMarkers(model, MARKER_OWNER, toMarkers(errors));
  }, [errors]);

  const apply = async () => {
    const result = importKerasPython(text);
    if (!result.ok) {
      setErrors(result.errors);
      const first = result.errors[0]?.location;
      if (first) editor.current?.revealLineInCenter(first.line);
      return;
    }
    setErrors([]);
    await applyImported(result.document);
    setDraft(null);
    useUi
      .getState()
      .notify(
        result.warnings.length
          ? `Applied, with ${result.warnings.length} warning(s): ${result.warnings[0].message}`
          : 'Applied the code to the canvas',
      );
  };

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      useUi.getState().notify('Copied the code');
    } catch (err) {
      useUi.getState().notify(`Could not copy: ${(err as Error).message}`, 'error');
    }
  };

  const save = async () => {
    const saved = await getHost().saveFile({
      suggestedName: `${doc.name || 'model'}.py`,
      data: text,
      filters: [{ name: 'Python', extensions: ['py'] }],
    });
    if (saved) useUi.getState().notify(`Saved ${saved.name}`);
  };

  return (
    <div className="code-panel">
      <div className="code-toolbar">
        <div className="segmented" role="group" aria-label="Keras flavour">
          {(['keras3', 'tf.keras'] as const).map((f) => (
            <button
              key={f}
              type="button"
              className={flavor === f ? 'is-active' : ''}
              aria-pressed={flavor === f}
              data-testid={`code-flavor-${f}`}
              onClick={() => useUi.getState().setFlavor(f)}
            >
              {f === 'keras3' ? 'Keras 3' : 'tf.keras'}
            </button>
          ))}
        </div>
        {draft !== null ? <span className="code-draft">Edited — Apply to update the canvas</span> : null}
        <span className="spacer" />
        {draft !== null ? (
          <button type="button" onClick={() => (setDraft(null), setErrors([]))} data-testid="code-revert">
            Revert
          </button>
        ) : null}
        <button type="button" onClick={copy} data-testid="code-copy">
          Copy
        </button>
        <button type="button" onClick={save} data-testid="code-save">
          Save…
        </button>
        <button type="button" className="primary" onClick={apply} data-testid="code-apply" disabled={draft === null}>
          Apply
        </button>
      </div>
      <div className="code-body">
        <div className="code-editor" data-testid="code-view">
          <Editor
            language="python"
            theme={dark ? 'vs-dark' : 'vs'}
            value={text}
            onChange={(v) => setDraft(v === undefined || v === generated ? null : v)}
            onMount={(ed) => {
              editor.current = ed;
              registerCodeEditorUndo((command) => ed.trigger('menu', command, null));
            }}
            loading={<div className="code-loading">Loading editor…</div>}
            options={{
              editContext: false,
              minimap: { enabled: false },
              fontSize: 13,
              lineNumbersMinChars: 3,
              scrollBeyondLastLine: false,
              automaticLayout: true,
              tabSize: 4,
              renderLineHighlight: 'line',
              fixedOverflowWidgets: true,
            }}
          />
        </div>
        {errors.length ? (
          <ul className="code-errors" data-testid="code-errors">
            {errors.map((e, i) => (
              <li key={i}>
                <button
                  type="button"
                  className="link"
                  onClick={() => e.location && editor.current?.revealLineInCenter(e.location.line)}
                >
                  {e.location ? `${e.location.line}:${e.location.column}` : ''}
                </button>{' '}
                {e.message}
                {e.hint ? <span className="problem-hint"> — {e.hint}</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}
