/** Code view → canvas: the imported model replaces the document as one undoable edit, positions kept by name. */
import type { ModelDocument } from '../../engine/api/graph';
import { layoutPositions } from '../canvas/layout';
import { moveNodes } from '../stores/edits';
import { useGraph } from '../stores/graph';
import { mergeImported } from './merge-positions';
import { fitSoon } from './view';

export async function applyImported(imported: ModelDocument): Promise<void> {
  const { doc, needsLayout } = mergeImported(useGraph.getState().doc, imported);
  const placed = needsLayout ? moveNodes(doc, await layoutPositions(doc)) : doc;
  useGraph.getState().commit(() => placed);
  if (needsLayout) fitSoon();
}
