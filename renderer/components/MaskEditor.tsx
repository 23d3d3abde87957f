/**
 * Privacy masks drawn on a frame from the camera: drag to add a rectangle, select one and press
 * Delete (or its button) to remove it. Coordinates are fractions of the picture (0–1), as the
 * contract stores them, so they fit any resolution the recorder writes.
 */
import { useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import type { Mask } from '../../common/api/types.js';

export interface MaskEditorLabels {
  area: string;
  remove: string;
  noFrame: string;
  mask(n: number): string;
}

const W = 480;

export function normaliseMask(x0: number, y0: number, x1: number, y1: number): Mask | null {
  const x = Math.max(0, Math.min(x0, x1));
  const y = Math.max(0, Math.min(y0, y1));
  const w = Math.min(1, Math.max(x0, x1)) - x;
  const h = Math.min(1, Math.max(y0, y1)) - y;
  if (w < 0.01 || h < 0.01) return null;
  const r = (n: number): number => Math.round(n * 10_000) / 10_000;
  return { x: r(x), y: r(y), w: r(w), h: r(h) };
}

export function MaskEditor({ masks, onChange, frameUrl, frameSize, labels }: { masks: readonly Mask[]; onChange(m: Mask[]): void; frameUrl: string | null; frameSize?: { width: number; height: number } | null; labels: MaskEditorLabels }): ReactNode {
  // The drawing has the picture's own proportions, so a mask lies where it was drawn at any resolution.
  const H = frameSize && frameSize.width > 0 ? Math.round((W * frameSize.height) / frameSize.width) : 270;
  const [drag, setDrag] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const pos = (e: PointerEvent<SVGSVGElement>): { x: number; y: number } => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)), y: Math.min(1, Math.max(0, (e.clientY - r.top) / r.height)) };
  };
  const remove = (i: number): void => {
    onChange(masks.filter((_, k) => k !== i));
    setSelected(null);
  };
  const key = (e: KeyboardEvent<SVGSVGElement>): void => {
    if ((e.key === 'Delete' || e.key === 'Backspace') && selected !== null) {
      e.preventDefault();
      remove(selected);
    }
  };
  const live = drag ? normaliseMask(drag.x0, drag.y0, drag.x1, drag.y1) : null;
  return (
    <div className="mask-editor">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="mask-canvas"
        role="application"
        aria-label={labels.area}
        tabIndex={0}
        onKeyDown={key}
        onPointerDown={(e) => {
          const p0 = pos(e);
          e.currentTarget.setPointerCapture(e.pointerId);
          setDrag({ x0: p0.x, y0: p0.y, x1: p0.x, y1: p0.y });
        }}
        onPointerMove={(e) => {
          if (drag) {
            const p1 = pos(e);
            setDrag({ ...drag, x1: p1.x, y1: p1.y });
          }
        }}
        onPointerUp={() => {
          if (live) onChange([...masks, live]);
          setDrag(null);
        }}
      >
        {frameUrl ? <image href={frameUrl} x={0} y={0} width={W} height={H} preserveAspectRatio="none" data-testid="mask-frame" /> : <rect x={0} y={0} width={W} height={H} className="mask-noframe" />}
        {frameUrl ? null : (
          <text x={W / 2} y={H / 2} textAnchor="middle" className="mask-noframe-text">
            {labels.noFrame}
          </text>
        )}
        {masks.map((m, i) => (
          <rect
            key={`${i}-${m.x}-${m.y}`}
            x={m.x * W}
            y={m.y * H}
            width={m.w * W}
            height={m.h * H}
            className={`mask-rect${selected === i ? ' selected' : ''}`}
            onPointerDown={(e) => {
              e.stopPropagation();
              setSelected(i);
            }}
          />
        ))}
        {live ? <rect x={live.x * W} y={live.y * H} width={live.w * W} height={live.h * H} className="mask-rect drawing" /> : null}
      </svg>
      <ul className="mask-list">
        {masks.map((m, i) => (
          <li key={`${i}-${m.x}-${m.y}`}>
            <span>
              {labels.mask(i + 1)}: {Math.round(m.x * 100)} %, {Math.round(m.y * 100)} % — {Math.round(m.w * 100)} × {Math.round(m.h * 100)} %
            </span>
            <button type="button" onClick={() => remove(i)}>
              {labels.remove}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
