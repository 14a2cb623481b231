/** The layer palette: grouped as the Keras docs group layers, searchable, draggable, and usable from the keyboard. */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { layerDefinitions } from '../../engine/api/layers';
import { PALETTE_GROUPS, type LayerDefinition } from '../../engine/api/layers';
import { LAYER_DRAG_TYPE } from '../canvas/drag-type';

export function Palette({ onAdd }: { onAdd: (className: string) => void }) {
  const [query, setQuery] = useState('');
  const list = useRef<HTMLDivElement>(null);

  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const matches = (d: LayerDefinition) =>
      !q ||
      d.className.toLowerCase().includes(q) ||
      d.description.toLowerCase().includes(q) ||
      d.group.toLowerCase().includes(q);
    return PALETTE_GROUPS.map((g) => ({
      group: g,
      layers: layerDefinitions().filter((d) => d.group === g && matches(d)),
    })).filter((g) => g.layers.length > 0);
  }, [query]);

  const items = () => Array.from(list.current?.querySelectorAll<HTMLButtonElement>('.palette-item') ?? []);
  const moveFocus = (from: Element | null, step: number) => {
    const all = items();
    if (all.length === 0) return;
    const i = from ? all.indexOf(from as HTMLButtonElement) : -1;
    all[Math.max(0, Math.min(all.length - 1, i + step))].focus();
  };

  const onListKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      moveFocus(document.activeElement, e.key === 'ArrowDown' ? 1 : -1);
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      const all = items();
      all[e.key === 'Home' ? 0 : all.length - 1]?.focus();
    }
  };

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      moveFocus(null, 1);
    } else if (e.key === 'Enter') {
      const first = items()[0];
      if (first?.dataset.layer) onAdd(first.dataset.layer);
    } else if (e.key === 'Escape') setQuery('');
  };

  return (
    <aside className="palette" aria-label="Layers">
      <div className="panel-title">Layers</div>
      <input
        className="palette-search"
        type="search"
        placeholder="Search layers…"
        aria-label="Search layers"
        data-testid="palette-search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onSearchKey}
      />
      <div className="palette-list" ref={list} onKeyDown={onListKey}>
        {groups.map(({ group, layers }) => (
          <section key={group} className="palette-group" aria-label={group}>
            <h3 className="palette-group-title">{group}</h3>
            {layers.map((d) => (
              <button
                key={d.className}
                type="button"
                className={`palette-item group-${d.group.toLowerCase()}`}
                data-testid={`palette-${d.className}`}
                data-layer={d.className}
                title={`${d.className}: ${d.description}\n\nDrag onto the canvas, or press Enter to add below the selected layer.`}
                draggable
                onDragStart={(e) => {
                  e.dataTransfer.setData(LAYER_DRAG_TYPE, d.className);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onClick={() => onAdd(d.className)}
              >
                <span className="palette-swatch" aria-hidden="true" />
                <span className="palette-name">{d.label ?? d.className}</span>
              </button>
            ))}
          </section>
        ))}
        {groups.length === 0 ? <p className="palette-empty">No layer matches “{query}”.</p> : null}
      </div>
    </aside>
  );
}
