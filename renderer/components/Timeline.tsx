/**
 * One camera's row on the timeline: recorded runs (merged to at most a rectangle per pixel),
 * gaps (the track shows through, hatched), held spans (amber band), incident and hold windows
 * (a band above the track, outlined once released), the retention line (what lies left of it is
 * due for deletion now), the selected range and the playhead.
 *
 * Mouse: click plays that moment, drag the playhead's handle to scrub, drag anywhere else to
 * select a range (snapped to what the axis shows), wheel zooms around the pointer, hovering asks
 * for the still of that moment. Keyboard (the row is a slider over time): ←/→ move the moment,
 * Shift+←/→ extend the selection, +/− zoom, Enter plays the moment.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode, type RefObject } from 'react';
import { snap, snapStep } from '../lib/playback.js';
import { gapsIn, msToX, pixelRuns, spanPixels, ticks, xToMs, type Span, type View } from '../lib/timeline.js';

export interface TimelineSegment extends Span {
  held: boolean;
}

/** An incident window or a hold on the row; `released`: drawn outlined (nothing is kept for it any more). */
export interface TimelineWindow extends Span {
  key: string;
  kind: 'incident' | 'hold';
  released: boolean;
  title: string;
}

export interface TimelineRowProps {
  label: string;
  windows?: readonly TimelineWindow[];
  /** Dragging the playhead's handle: each position, then the last. */
  onScrub?(ms: number, done: boolean): void;
  /** The pointer rests over the row at `ms` (x pixels in), or left it (null). */
  onHover?(at: { ms: number; x: number } | null): void;
  view: View;
  width: number;
  height?: number;
  segments: readonly TimelineSegment[];
  holds: readonly Span[];
  cutoffMs: number | null;
  selection: Span | null;
  moment: number | null;
  /** Still loading, or what is loaded does not cover the view yet. */
  loading: boolean;
  valueText(ms: number): string;
  onSeek(ms: number): void;
  onSelect(aMs: number, bMs: number): void;
  onZoom(factor: number, anchorMs: number): void;
  onPlay(ms: number): void;
}

const DRAG_PX = 4;
/** How close to the playhead a press grabs it rather than starting a selection. */
const HANDLE_PX = 7;

export function TimelineRow(p: TimelineRowProps): ReactNode {
  const { view, width } = p;
  const height = p.height ?? 44;
  const svgRef = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number; scrub: boolean } | null>(null);
  const runs = useMemo(() => pixelRuns(p.segments, view, width), [p.segments, view, width]);
  const gaps = useMemo(() => gapsIn(runs, { fromMs: Math.max(view.fromMs, p.segments[0]?.startMs ?? view.toMs), toMs: view.toMs }), [runs, view, p.segments]);
  const held = useMemo(() => spanPixels(p.holds, view, width), [p.holds, view, width]);
  const onZoom = p.onZoom;

  useEffect(() => {
    const el = svgRef.current;
    if (!el) return;
    const wheel = (e: WheelEvent): void => {
      e.preventDefault();
      const rect = el.getBoundingClientRect();
      onZoom(e.deltaY > 0 ? 1.25 : 0.8, xToMs(view, width, e.clientX - rect.left));
    };
    el.addEventListener('wheel', wheel, { passive: false });
    return () => el.removeEventListener('wheel', wheel);
  }, [onZoom, view, width]);

  const xOf = (e: PointerEvent<SVGSVGElement>): number => {
    const rect = e.currentTarget.getBoundingClientRect();
    return Math.min(width, Math.max(0, e.clientX - rect.left));
  };
  const momentPx = p.moment !== null && p.moment >= view.fromMs && p.moment <= view.toMs ? msToX(view, width, p.moment) : null;
  const step = snapStep(view.toMs - view.fromMs, width);
  const down = (e: PointerEvent<SVGSVGElement>): void => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const x = xOf(e);
    const scrub = p.onScrub !== undefined && momentPx !== null && Math.abs(x - momentPx) <= HANDLE_PX;
    p.onHover?.(null);
    setDrag({ x0: x, x1: x, scrub });
  };
  const move = (e: PointerEvent<SVGSVGElement>): void => {
    const x = xOf(e);
    if (!drag) {
      p.onHover?.({ ms: xToMs(view, width, x), x });
      return;
    }
    setDrag({ ...drag, x1: x });
    if (drag.scrub) p.onScrub?.(xToMs(view, width, x), false);
  };
  const up = (e: PointerEvent<SVGSVGElement>): void => {
    if (!drag) return;
    const x1 = xOf(e);
    setDrag(null);
    if (drag.scrub) {
      p.onScrub?.(xToMs(view, width, x1), true);
    } else if (Math.abs(x1 - drag.x0) < DRAG_PX) {
      const ms = xToMs(view, width, x1);
      p.onSeek(ms);
      p.onPlay(ms);
    } else {
      // A selection reads as the axis does: 15:00–15:10, not 15:00:03–15:09:58.
      p.onSelect(snap(xToMs(view, width, drag.x0), step), snap(xToMs(view, width, x1), step));
    }
  };

  const span = view.toMs - view.fromMs;
  const key = (e: KeyboardEvent<HTMLDivElement>): void => {
    const cur = p.moment ?? (view.fromMs + view.toMs) / 2;
    const step = span / 50;
    switch (e.key) {
      case 'ArrowLeft':
      case 'ArrowRight': {
        const next = cur + (e.key === 'ArrowLeft' ? -step : step);
        if (e.shiftKey) p.onSelect(p.selection && p.selection.startMs < cur ? p.selection.startMs : cur, next);
        else p.onSeek(next);
        break;
      }
      case '+':
      case '=':
        p.onZoom(0.5, cur);
        break;
      case '-':
        p.onZoom(2, cur);
        break;
      case 'Enter':
        p.onPlay(cur);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const selecting = drag !== null && !drag.scrub && Math.abs(drag.x1 - drag.x0) >= DRAG_PX;
  const sel = selecting ? { x: Math.min(drag.x0, drag.x1), w: Math.abs(drag.x1 - drag.x0) } : p.selection ? spanPixels([p.selection], view, width)[0] : undefined;
  const windows = p.windows ?? [];
  const bands = spanPixels(windows, view, width);
  const cutX = p.cutoffMs !== null && p.cutoffMs > view.fromMs ? Math.min(width, msToX(view, width, p.cutoffMs)) : null;
  const momentX = drag?.scrub ? drag.x1 : momentPx;
  const now = p.moment ?? (view.fromMs + view.toMs) / 2;

  return (
    <div
      className="tl-row"
      role="slider"
      tabIndex={0}
      aria-label={p.label}
      aria-valuemin={view.fromMs}
      aria-valuemax={view.toMs}
      aria-valuenow={Math.round(now)}
      aria-valuetext={p.valueText(now)}
      aria-busy={p.loading}
      onKeyDown={key}
    >
      <svg ref={svgRef} width={width} height={height} className="tl-svg" onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerLeave={() => p.onHover?.(null)} aria-hidden="true" data-runs={runs.length} data-gaps={gaps.length} data-windows={bands.length}>
        <rect className="tl-track" x={0} y={4} width={width} height={height - 8} />
        {cutX !== null && cutX > 0 ? <rect className="tl-due" x={0} y={0} width={cutX} height={height} /> : null}
        {runs.map((r) => (
          <rect key={`${r.startMs}`} className="tl-run" x={r.x} y={8} width={r.w} height={height - 16} />
        ))}
        {held.map((h) => (
          <rect key={`h${h.span.startMs}-${h.span.endMs}`} className="tl-held" x={h.x} y={4} width={h.w} height={6} />
        ))}
        {bands.map((b) => (
          <rect key={b.span.key} className={`tl-window ${b.span.kind}${b.span.released ? ' released' : ''}`} x={b.x} y={height - 7} width={b.w} height={6} data-window={b.span.key} data-released={b.span.released ? 'yes' : 'no'}>
            <title>{b.span.title}</title>
          </rect>
        ))}
        {cutX !== null && cutX > 0 && cutX < width ? <line className="tl-cutoff" x1={cutX} x2={cutX} y1={0} y2={height} /> : null}
        {sel ? <rect className="tl-sel" x={sel.x} y={2} width={Math.max(1, sel.w)} height={height - 4} /> : null}
        {momentX !== null ? (
          <g className={`tl-playhead${drag?.scrub ? ' dragging' : ''}`} data-testid="playhead">
            <line className="tl-moment" x1={momentX} x2={momentX} y1={0} y2={height} />
            {p.onScrub ? <rect className="tl-handle" x={momentX - 5} y={0} width={10} height={9} rx={2} /> : null}
          </g>
        ) : null}
      </svg>
    </div>
  );
}

/** The shared time axis above the rows, with labels in site time. */
export function TimelineAxis({ view, width, tz, label }: { view: View; width: number; tz: string; label(ms: number, isDay: boolean, stepMs: number): string }): ReactNode {
  const t = useMemo(() => ticks(view, width, tz), [view, width, tz]);
  return (
    <svg width={width} height={28} className="tl-axis" aria-hidden="true">
      {t.ticks.map((k) => (
        <g key={k.ms} transform={`translate(${k.x},0)`}>
          <line y1={18} y2={28} className={k.isDay ? 'tl-tick day' : 'tl-tick'} />
          <text y={13} textAnchor={k.x < 24 ? 'start' : k.x > width - 24 ? 'end' : 'middle'} className={k.isDay ? 'tl-label day' : 'tl-label'}>
            {label(k.ms, k.isDay, t.stepMs)}
          </text>
        </g>
      ))}
    </svg>
  );
}

/** Width of an element, following resizes. */
export function useWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [w, setW] = useState(800);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setW(Math.max(200, Math.floor(el.clientWidth)));
    const ro = new ResizeObserver(() => setW(Math.max(200, Math.floor(el.clientWidth))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, w];
}
