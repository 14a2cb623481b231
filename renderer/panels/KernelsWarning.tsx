/** Says plainly when the engine runs on the slow reference kernels: why, and how to get the fast ones. */
import { useState } from 'react';
import { useUi } from '../stores/ui';

export function KernelsWarning() {
  const kernels = useUi((s) => s.kernels);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const warning = kernels?.kernels === 'reference' ? kernels.warning : undefined;
  if (!warning || dismissed === warning.message) return null;
  const capital = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
  return (
    <div className="kernels-warning" role="alert" data-testid="kernels-warning">
      <span aria-hidden="true">▲</span>
      <span>
        The engine runs on the slow reference kernels, so training and prediction are many times slower:{' '}
        {warning.reason}. <b>Fix:</b> {capital(warning.hint)}.
      </span>
      <button
        type="button"
        className="kernels-warning-close"
        onClick={() => setDismissed(warning.message)}
        aria-label="Dismiss the kernels warning"
      >
        ×
      </button>
    </div>
  );
}
