import { describe, expect, it } from 'vitest';
import type { DeletionLogEntryView } from '../../common/api/report.js';
import { fakeApi } from '../lib/fake-api.js';
import { createDpoStore } from './dpo.js';

const entry = (id: number): DeletionLogEntryView => ({
  id, kind: 'segment', root: 1, camera: 'gate', path: `/r/${id}.mp4`, recordedFrom: null, recordedTo: null, size: 1, sha256: null, due: null, deleted: null, outcome: 'deleted', sweep: 1, handover: null, incident: null, reason: 'retention',
  reasonClass: 'retention', heldUntil: null, latenessMs: 0, late: false, overdueAtIndex: null, note: null,
});

describe('the DPO store', () => {
  it('pages the deletion log by keyset under the filter, and starts again when the filter changes', async () => {
    const api = fakeApi({
      'logs.deletions': (req) => {
        const after = req.after?.id ?? 0;
        const ids = [1, 2, 3, 4, 5].filter((i) => i > after && (req.camera === undefined || i % 2 === 1)).slice(0, 2);
        const last = ids[ids.length - 1];
        const more = last !== undefined && last < 5;
        return { deletions: ids.map(entry), next: more && last !== undefined ? { at: last, id: last } : null, totals: req.totals ? { count: 5, bytes: 5, deleted: 5, alreadyGone: 0, late: 0, worstLatenessMs: null, byReason: { retention: 5, handover: 0, closed: 0, other: 0 } } : null };
      },
    });
    const s = createDpoStore(api);
    await s.getState().setDeletionFilter({});
    expect(s.getState().deletions.map((d) => d.id)).toEqual([1, 2]);
    expect(s.getState().totals?.count).toBe(5);
    await s.getState().moreDeletions();
    await s.getState().moreDeletions();
    expect(s.getState().deletions.map((d) => d.id)).toEqual([1, 2, 3, 4, 5]);
    expect(s.getState().deletionsDone).toBe(true);
    await s.getState().setDeletionFilter({ camera: 'gate', late: true, fromMs: 10 });
    expect(s.getState().deletions.map((d) => d.id)).toEqual([1, 3]);
    const asked = api.calls.filter((c) => c.op === 'logs.deletions').at(-1)?.request;
    expect(asked).toEqual({ camera: 'gate', late: true, from: 10, limit: 500, totals: true });
    // Never an offset: each further page names where the last one ended.
    await s.getState().moreDeletions();
    expect(api.calls.filter((c) => c.op === 'logs.deletions').at(-1)?.request).toMatchObject({ after: { at: 3, id: 3 } });
  });

  it('joins a download from its chunks, with the filter the screen shows', async () => {
    const api = fakeApi({
      'logs.download': (req) => (req.after === undefined ? { text: 'id\n1\n', rows: 1, next: 'x:1', filename: 'f.csv', contentType: 'text/csv' } : { text: '2\n', rows: 1, next: null, filename: 'f.csv', contentType: 'text/csv' }),
      'logs.deletions': () => ({ deletions: [], next: null, totals: null }),
    });
    const s = createDpoStore(api);
    await s.getState().setDeletionFilter({ reason: 'handover' });
    const file = await s.getState().download('deletions', 'csv');
    expect(file).toEqual({ filename: 'f.csv', contentType: 'text/csv', parts: ['id\n1\n', '2\n'], rows: 2 });
    expect(api.calls.filter((c) => c.op === 'logs.download').map((c) => c.request)).toEqual([
      { log: 'deletions', format: 'csv', reason: 'handover' },
      { log: 'deletions', format: 'csv', reason: 'handover', after: 'x:1' },
    ]);
    expect(s.getState().downloading).toBeNull();
  });
});
