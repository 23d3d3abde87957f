import { describe, expect, it } from 'vitest';
import { compileLayout, formatLayoutPath, LAYOUT_PRESETS, LayoutMatcher, type ParsedName } from './layout.js';

const TZ = 'Europe/Stockholm';

describe('layouts', () => {
  // Each preset's documented example, read by hand from the recorder's documentation (an oracle
  // of its own: the wall-clock times below are what the name says, in Stockholm or UTC).
  const EXPECTED: Record<string, { camera: string; start: string; end?: string; kind?: string }> = {
    'camera-date-time': { camera: 'entrance', start: '2026-11-25T13:30:00Z' },
    frigate: { camera: 'entrance', start: '2026-11-25T13:30:00Z' },
    'frigate-before-0.12': { camera: 'entrance', start: '2026-11-25T13:30:00Z' },
    shinobi: { camera: 'entrance', start: '2026-11-25T13:30:00Z' },
    blueiris: { camera: 'entrance', start: '2026-11-25T13:30:00Z' },
    'reolink-ftp': { camera: 'Entrance', start: '2026-11-25T13:30:00Z' },
    dahua: { camera: '4D027BCPAA05B90-ch001', start: '2026-11-25T13:30:00Z', end: '2026-11-25T13:40:00Z', kind: 'motion' },
    'zoneminder-deep': { camera: '3', start: '2026-11-25T13:30:00Z' },
    // Only the day: the time of day comes from the file (see core/scan).
    'zoneminder-medium': { camera: '3', start: '2026-11-24T23:00:00Z' },
    motioneye: { camera: 'Camera1', start: '2026-11-25T13:30:00Z' },
  };
  it('every preset has an expectation here', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(LAYOUT_PRESETS.map((p) => p.name).sort());
  });
  it.each(LAYOUT_PRESETS.map((p) => [p.name, p] as const))('preset %s reads its documented example', (name, preset) => {
    const m = new LayoutMatcher(compileLayout(preset.name, TZ));
    const r = m.parse(preset.example.split('/'));
    if (typeof r === 'string') throw new Error(r);
    const want = EXPECTED[name];
    if (!want) throw new Error(`no expectation for ${name}`);
    if (name === 'reolink-ftp') expect(r.camera).toBe('entrance');
    else expect(r.camera).toBe(want.camera);
    expect(new Date(r.startMs).toISOString().replace('.000', '')).toBe(want.start);
    expect(r.endMs === undefined ? undefined : new Date(r.endMs).toISOString().replace('.000', '')).toBe(want.end);
    expect(r.kind).toBe(want.kind);
  });
  it('frigate names are UTC, camera-date-time names are site time', () => {
    const f = new LayoutMatcher(compileLayout('frigate', TZ)).parse(['2026-11-25', '13', 'entrance', '30.00.mp4']);
    expect(f).toEqual({ camera: 'entrance', startMs: Date.parse('2026-11-25T13:30:00Z') });
    const c = new LayoutMatcher(compileLayout('camera-date-time', TZ)).parse(['entrance', '2026-11-25', '14-30-00.mp4']);
    expect(c).toEqual({ camera: 'entrance', startMs: Date.parse('2026-11-25T13:30:00Z') });
  });
  it('a custom pattern with quoted text and a wildcard', () => {
    const l = compileLayout("{camera}/rec_*_{yyyyMMdd'T'HHmmss}.mp4", 'UTC');
    expect(new LayoutMatcher(l).parse(['cam1', 'rec_main_20261125T101500.mp4'])).toEqual({ camera: 'cam1', startMs: Date.parse('2026-11-25T10:15:00Z') });
    expect(formatLayoutPath(l, 'cam1', Date.parse('2026-11-25T10:15:00Z'), 'main')).toEqual(['cam1', 'rec_main_20261125T101500.mp4']);
  });
  it('rejects names that are not real times or do not match', () => {
    const m = new LayoutMatcher(compileLayout('camera-date-time', TZ));
    expect(typeof m.parse(['entrance', '2026-02-30', '10-00-00.mp4'])).toBe('string');
    expect(typeof m.parse(['entrance', '2026-11-25', '25-00-00.mp4'])).toBe('string');
    expect(typeof m.parse(['entrance', '2026-11-25', 'notes.txt'])).toBe('string');
    expect(typeof m.parse(['entrance', '2026-11-25'])).toBe('string');
  });
  it('refuses layouts without a camera or a time, with a clear message', () => {
    expect(() => compileLayout('{yyyy-MM-dd}/{HH-mm-ss}.mp4', TZ)).toThrow(/no \{camera\}/);
    expect(() => compileLayout('{camera}/{yyyy-MM-dd}.mp4', TZ)).toThrow(/no full start time/);
    expect(() => compileLayout('{camera}/{yyyy-MM-dd}/{HH-mm-Q}.mp4', TZ)).toThrow(/do not support/);
    expect(() => compileLayout('nonsense', TZ)).toThrow(/neither a layout preset/);
    expect(() => compileLayout('/abs/{camera}/{yyyy-MM-dd HH-mm}.mp4', TZ)).toThrow(/relative/);
  });

  const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString().replace('.000', ''));
  const read = (layout: string, path: string, tz = TZ): ParsedName => {
    const r = new LayoutMatcher(compileLayout(layout, tz)).parse(path.split('/'));
    if (typeof r === 'string') throw new Error(r);
    return r;
  };

  it('an end time in the name: hour and minute at least, the date from the start, across midnight the next day', () => {
    const p = '{camera}/{yyyyMMdd}/{HHmmss}_{end:HHmmss}.mp4';
    expect(iso(read(p, 'gate/20261125/235500_000500.mp4', 'UTC').endMs)).toBe('2026-11-26T00:05:00Z');
    expect(iso(read(p, 'gate/20261125/101500_102000.mp4', 'UTC').endMs)).toBe('2026-11-25T10:20:00Z');
    // An end with its own date is read as written; one before the start is refused.
    const dated = '{camera}/{yyyyMMddHHmmss}-{end:yyyyMMddHHmmss}.mp4';
    expect(iso(read(dated, 'gate/20261125101500-20261125113000.mp4', 'UTC').endMs)).toBe('2026-11-25T11:30:00Z');
    expect(new LayoutMatcher(compileLayout(dated, 'UTC')).parse(['gate', '20261125101500-20261124113000.mp4'])).toMatch(/not after its start/);
    expect(() => compileLayout('{camera}/{yyyy-MM-dd}/{HH-mm}-{end:ss}.mp4', TZ)).toThrow(/end time without hour and minute/);
  });

  it('optional bracketed flags, an event kind and a list of extensions', () => {
    const m = new LayoutMatcher(compileLayout('dahua', TZ));
    const base = 'NVR/SERIAL1/2026-11-25/002/dav/14/14.30.00-14.40.00';
    const kindOf = (suffix: string): string | undefined => {
      const r = m.parse(`${base}${suffix}`.split('/'));
      return typeof r === 'string' ? r : r.kind;
    };
    expect(kindOf('[R][0@0][0].mp4')).toBe('scheduled');
    expect(kindOf('[M][0@0][0].dav')).toBe('motion');
    expect(kindOf('[A][0@0][0].mp4')).toBe('alarm');
    expect(kindOf('[I][0@0][0].mp4')).toBe('smart');
    // Flags are optional and read as they come; an unknown code is kept as written.
    expect(kindOf('[M].mp4')).toBe('motion');
    expect(kindOf('[H][1@2][3][4].mp4')).toBe('H');
    expect(typeof m.parse(`${base}[M][0@0][0].avi`.split('/'))).toBe('string');
    expect(typeof m.parse(`${base}.mp4`.split('/'))).toBe('string');
    const r = m.parse(`${base}[M][0@0][0].mp4`.split('/'));
    expect(typeof r === 'object' && r.camera).toBe('SERIAL1-ch002');
    expect(() => compileLayout('{camera}/{yyyy-MM-dd}/{HH-mm}.{mp4|}', TZ)).toThrow(/separated by "\|"/);
  });

  it('two-digit years are 2000–2099, alone or beside a four-digit year that agrees', () => {
    expect(iso(read('zoneminder-deep', '7/26/03/29/01/59/30/9-video.mp4').startMs)).toBe('2026-03-29T00:59:30Z');
    expect(iso(read('{camera}/{yy}{MM}{dd}/{HH}{mm}.mp4', 'c/991231/2359.mp4', 'UTC').startMs)).toBe('2099-12-31T23:59:00Z');
  });

  it('an end settles the autumn repeated hour; the spring gap reads as the clock jumped', () => {
    // Europe/Stockholm, 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00Z.
    const autumn = (name: string): [string | undefined, string | undefined] => {
      const r = read('dahua', `M/S/2026-10-25/001/dav/${name.slice(0, 2)}/${name}[R][0@0][0].mp4`);
      return [iso(r.startMs), iso(r.endMs)];
    };
    // Begun in the first pass, ended in the second: only one reading is 10 minutes long.
    expect(autumn('02.55.00-02.05.00')).toEqual(['2026-10-25T00:55:00Z', '2026-10-25T01:05:00Z']);
    expect(autumn('02.50.00-02.00.00')).toEqual(['2026-10-25T00:50:00Z', '2026-10-25T01:00:00Z']);
    // Wholly inside the repeated hour: the later pass, as for names without an end (its file survives).
    expect(autumn('02.10.00-02.20.00')).toEqual(['2026-10-25T01:10:00Z', '2026-10-25T01:20:00Z']);
    expect(autumn('03.00.00-03.10.00')).toEqual(['2026-10-25T02:00:00Z', '2026-10-25T02:10:00Z']);
    // 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00Z; a segment across it ends at 03:05.
    const spring = read('dahua', 'M/S/2026-03-29/001/dav/01/01.55.00-03.05.00[R][0@0][0].mp4');
    expect([iso(spring.startMs), iso(spring.endMs)]).toEqual(['2026-03-29T00:55:00Z', '2026-03-29T01:05:00Z']);
  });

  it('a layout that names only the day says so, and bounds the day in the recorder clock', () => {
    const r = read('zoneminder-medium', '3/2026-10-25/77/77-video.mp4');
    expect(r.timeFrom).toBe('file');
    // The autumn day is 25 hours long in Stockholm.
    expect(((r.dayEndMs ?? 0) - r.startMs) / 3_600_000).toBe(25);
    expect(() => compileLayout('{camera}/{yyyy-MM-dd}/*.mp4', TZ)).toThrow(/no full start time/);
  });

  it('companion files are recognised by name, only for the presets that write them', () => {
    const zm = new LayoutMatcher(compileLayout('zoneminder-deep', TZ));
    expect(['.12345', 'snapshot.jpg', 'alarm.jpg', '00017-capture.jpg'].every((n) => zm.isCompanion(n))).toBe(true);
    expect(zm.isCompanion('12345-video.mp4')).toBe(false);
    expect(zm.isCompanion('notes.txt')).toBe(false);
    expect(new LayoutMatcher(compileLayout('camera-date-time', TZ)).isCompanion('snapshot.jpg')).toBe(false);
  });

  it('formats what it parses: end, kind, channel and flags', () => {
    const l = compileLayout('dahua', TZ);
    const start = Date.parse('2026-11-25T13:30:00Z');
    const comps = formatLayoutPath(l, 'SER-ch003', start, 'IPC', { endMs: start + 600_000, kind: 'alarm' });
    expect(comps.join('/')).toBe('IPC/SER/2026-11-25/003/dav/14/14.30.00-14.40.00[A][0@0][0].mp4');
    expect(() => formatLayoutPath(l, 'plain', start)).toThrow(/<device>-ch<channel>/);
  });
});
