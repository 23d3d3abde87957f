/**
 * A table that renders only the rows on screen (@tanstack/react-virtual), for logs with
 * millions of rows. Grid roles so screen readers announce rows and columns; the scroll area is
 * focusable so keyboard users can scroll it; `onEndReached` pages in more.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: string;
  /** CSS grid track, e.g. "8rem" or "2fr". */
  width: string;
  render(row: T): ReactNode;
}

export interface VirtualTableProps<T> {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey(row: T, index: number): string | number;
  label: string;
  height?: number;
  rowHeight?: number;
  onEndReached?: () => void;
  onActivate?: (row: T) => void;
  selectedKey?: string | number | null;
  empty?: string;
  /** Total rows when more can be paged in (for aria-rowcount). */
  total?: number;
}

export function VirtualTable<T>(props: VirtualTableProps<T>): ReactNode {
  const { rows, columns, rowKey, label, height = 420, rowHeight = 36, onEndReached, onActivate, selectedKey, empty } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 12 });
  const items = v.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (onEndReached && last && last.index >= rows.length - 20) onEndReached();
  }, [last, rows.length, onEndReached]);
  const template = columns.map((c) => c.width).join(' ');
  const onKey = (e: KeyboardEvent<HTMLDivElement>, row: T): void => {
    if ((e.key === 'Enter' || e.key === ' ') && onActivate) {
      e.preventDefault();
      onActivate(row);
    }
  };
  return (
    <div className="vtable" role="table" aria-label={label} aria-rowcount={(props.total ?? rows.length) + 1}>
      <div className="vtable-head" role="rowgroup">
        <div className="vtable-row vtable-header" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
          {columns.map((c) => (
            <div key={c.key} role="columnheader" className="vtable-cell">
              {c.header}
            </div>
          ))}
        </div>
      </div>
      <div ref={scrollRef} className="vtable-body" role="rowgroup" tabIndex={0} aria-label={label} style={{ height }}>
        {rows.length === 0 && empty ? (
          // A rowgroup holds rows only (ARIA): the "nothing here" sentence is a row of its own.
          <div role="row" className="vtable-row">
            <div role="cell" className="muted vtable-empty">
              {empty}
            </div>
          </div>
        ) : null}
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {items.map((it) => {
            const row = rows[it.index] as T;
            const key = rowKey(row, it.index);
            return (
              <div
                key={key}
                role="row"
                aria-rowindex={it.index + 2}
                aria-selected={selectedKey !== undefined ? selectedKey === key : undefined}
                className={`vtable-row${onActivate ? ' clickable' : ''}${selectedKey === key ? ' selected' : ''}`}
                tabIndex={onActivate ? 0 : undefined}
                onClick={onActivate ? () => onActivate(row) : undefined}
                onKeyDown={onActivate ? (e) => onKey(e, row) : undefined}
                style={{ gridTemplateColumns: template, height: rowHeight, transform: `translateY(${it.start}px)` }}
              >
                {columns.map((c) => (
                  <div key={c.key} role="cell" className="vtable-cell">
                    {c.render(row)}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
