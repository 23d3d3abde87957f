/**
 * The recording at the cursor (Cameras view): what its name stated beyond the start, in the
 * reader's language from the shared catalogue, Swedish first.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SegmentView } from '../../common/api/types.js';
import { fakeApi } from '../lib/fake-api.js';
import { createStores } from '../stores/app.js';
import { StoresProvider } from '../stores/context.js';
import { SegmentAtCursor } from './SegmentAtCursor.js';

const T0 = Date.UTC(2026, 10, 20, 8);
const seg = (over: Partial<SegmentView>): SegmentView => ({
  id: 1,
  startMs: T0,
  endMs: T0 + 600_000,
  endSource: 'probe',
  size: 1,
  state: 'present',
  held: false,
  hasAudio: false,
  nameEndMs: null,
  eventKind: null,
  timeFrom: null,
  ...over,
});

function render(segments: SegmentView[], ms: number, lang: 'sv' | 'en'): string {
  const stores = createStores(fakeApi({}));
  stores.ui.setState({ lang, tz: 'Europe/Stockholm' });
  const clock = (x: number): string => new Date(x).toISOString().slice(11, 19);
  return renderToStaticMarkup(
    <StoresProvider stores={stores}>
      <SegmentAtCursor segments={segments} ms={ms} clock={clock} />
    </StoresProvider>,
  ).replace(/<[^>]+>/g, '');
}

describe('the recording at the cursor', () => {
  it("says what a Dahua name stated: the end and the kind, in Swedish and English", () => {
    const s = [seg({ nameEndMs: T0 + 600_000, eventKind: 'motion' })];
    expect(render(s, T0 + 1000, 'sv')).toBe('Inspelningen vid markören 08:00:00–08:10:00 — slut enligt filnamnet; typ: rörelse');
    expect(render(s, T0 + 1000, 'en')).toMatch(/08:00:00–08:10:00 — end as the file name states; kind: motion$/);
  });
  it("says when the time is the file's own (ZoneMinder medium), and keeps an unknown code as written", () => {
    expect(render([seg({ timeFrom: 'file', eventKind: 'X' })], T0, 'sv')).toBe('Inspelningen vid markören 08:00:00–08:10:00 — tiden ur filens egen tid (sökvägen anger bara dagen); typ: X');
  });
  it('a plain segment shows its span only; a moment in a gap says there is none', () => {
    expect(render([seg({})], T0, 'sv')).toBe('Inspelningen vid markören 08:00:00–08:10:00');
    expect(render([seg({})], T0 + 3_600_000, 'sv')).toBe('Ingen inspelning vid markören.');
  });
});
