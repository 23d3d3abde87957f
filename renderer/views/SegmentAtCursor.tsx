import { useMemo, type ReactNode } from 'react';
import type { SegmentView } from '../../common/api/types.js';
import { translator } from '../../common/i18n/catalog.js';
import { useFormat } from '../lib/hooks.js';

/**
 * What the recording at the cursor's moment says of itself beyond its span: an end stated by the
 * file's name, a start taken from the file's own time (the path names only the day), the event
 * kind the name states (issue 16). Words from the shared catalogue (namespace "layouts").
 */
export function SegmentAtCursor({ segments, ms, clock }: { segments: readonly SegmentView[]; ms: number; clock(ms: number): string }): ReactNode {
  const f = useFormat();
  const words = useMemo(() => translator(f.lang), [f.lang]);
  const seg = segments.find((s) => s.startMs <= ms && ms < s.endMs);
  if (!seg) return <p className="small muted" data-testid="segment-at-cursor">{words('layouts:segment.none')}</p>;
  const known = ['scheduled', 'motion', 'alarm', 'smart'];
  const kind = seg.eventKind === null ? null : known.includes(seg.eventKind) ? words(`layouts:kind.${seg.eventKind}`) : seg.eventKind;
  const notes = [
    seg.nameEndMs !== null ? words('layouts:segment.endFromName') : null,
    seg.timeFrom === 'file' ? words('layouts:segment.timeFromFile') : null,
    kind !== null ? words('layouts:segment.kind', { kind }) : null,
  ].filter((x): x is string => x !== null);
  return (
    <p className="small" data-testid="segment-at-cursor">
      <strong>{words('layouts:segment.title')}</strong> {words('layouts:segment.span', { from: clock(seg.startMs), to: clock(seg.endMs) })}
      {notes.length > 0 ? ` — ${notes.join('; ')}` : ''}
    </p>
  );
}
