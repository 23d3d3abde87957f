/**
 * Assisted masking end to end on real footage: the committed excerpt of OpenCV's vtest.avi
 * (people walking through a hall, 640×480, 4 s) and its hand-made labels
 * (fixtures/masking/vtest-labels.json). The labels, not the detector, are the oracle.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxAt, coveredShare, trackSpan, type MaskTrack } from '../../common/mask-track.js';
import { VTEST_EXCERPT, decodeFrames, excerptPeople, maskedPeople, regionStats } from '../../fixtures/masking.js';
import { samplePath } from '../../fixtures/samples.js';
import { writeTruncatedCopy } from '../../fixtures/video.js';
import { tempDir } from '../../test/helpers.js';
import { resolveMediaTools } from '../media-tools.js';
import { burnMasks } from './burn.js';
import { defaultModelDir, isAssistedMaskingUnavailable } from './model.js';
import { proposeTracks, type ProposeResult } from './propose.js';

const tools = resolveMediaTools();
const work = tempDir('custodian-propose-');
const people = excerptPeople();
let proposal: ProposeResult;

beforeAll(async () => {
  proposal = await proposeTracks(VTEST_EXCERPT, { tools });
}, 120_000);
afterAll(() => work.cleanup());

describe('proposeTracks on the vtest excerpt', () => {
  it('samples the clip at 5 frames a second on every core', () => {
    expect(proposal.rate).toBe(5);
    expect(proposal.framesAnalysed).toBe(20);
    expect(proposal.detections.map((d) => d.t)).toEqual(Array.from({ length: 20 }, (_, i) => i * 200));
    // 20 samples make 5 chunks of 4: one worker per core, at most one per chunk.
    expect(proposal.stats.workers).toBe(Math.min(os.availableParallelism(), 5));
    // One worker per core, each a few hundred MB at most (FACTS.md: ≈ 250 MB).
    expect(proposal.stats.workerRssBytes).toBeGreaterThan(50e6);
    expect(proposal.stats.workerRssBytes).toBeLessThan(450e6);
    expect(proposal.summary.key).toBe('masking:peopleFound');
    expect(proposal.warnings).toEqual([]);
  });

  it('finds the labelled people in the sampled frames next to each labelled one', () => {
    // Labelled frames are odd, between two samples: a person is found when a detection in the
    // sample before or after has its centre inside the labelled box.
    let found = 0;
    for (const p of people) {
      const near = proposal.detections.filter((d) => Math.abs(d.t - p.t) <= 100.5).flatMap((d) => d.boxes);
      const hit = near.some((b) => {
        const cx = b.x + b.w / 2;
        const cy = b.y + b.h / 2;
        return cx > p.box.x && cx < p.box.x + p.box.w && cy > p.box.y && cy < p.box.y + p.box.h;
      });
      if (hit) found++;
    }
    expect(found / people.length).toBeGreaterThanOrEqual(0.85);
  });

  it('masks at least 95 % of the labelled people after tracking and interpolation', () => {
    const c = maskedPeople(people, proposal.tracks);
    expect(c.labelled).toBe(28);
    expect(c.share, `missed: ${JSON.stringify(c.missed)}`).toBeGreaterThanOrEqual(0.95);
  });

  it('follows a person who stands through the whole excerpt with one continuous track', () => {
    // The man left of the sign post stands at x ≈ 0.49–0.53 of the width in every labelled frame.
    const standing = people.filter((p) => p.box.x > 0.47 && p.box.x < 0.51 && p.box.y > 0.29 && p.box.y < 0.34);
    expect(standing).toHaveLength(4);
    const covering = (t: MaskTrack): boolean => standing.every((p) => {
      const b = boxAt(t, p.t);
      return b !== null && coveredShare(p.box, [b]) >= 0.9;
    });
    const track = proposal.tracks.find(covering);
    expect(track, 'one track covers him at all four labelled frames').toBeDefined();
    const span = trackSpan(track as MaskTrack);
    expect(span.from).toBeLessThanOrEqual(200);
    expect(span.to).toBeGreaterThanOrEqual(3700);
  });

  it('burns the proposal in: the labelled people are black in the masked copy, the kept track is not', async () => {
    const keep = proposal.tracks.find((t) => {
      const b = boxAt(t, 2500);
      return b !== null && b.x > 0.47 && b.x < 0.51 && b.y > 0.25 && b.y < 0.34;
    });
    expect(keep).toBeDefined();
    const out = path.join(work.dir, 'masked.mp4');
    const r = await burnMasks(VTEST_EXCERPT, proposal.tracks, [keep?.id as string], out, undefined, { tools });
    expect(r.maskedTrackIds).toHaveLength(proposal.tracks.length - 1);
    const frames = decodeFrames(out, 640, 480);
    let black = 0;
    let others = 0;
    for (const p of people) {
      const kb = boxAt(keep as MaskTrack, p.t);
      if (kb && coveredShare(p.box, [kb]) > 0.5) continue; // the kept person
      others++;
      const frame = frames[p.frame] as Buffer;
      const x0 = Math.ceil(p.box.x * 640) + 2;
      const y0 = Math.ceil(p.box.y * 480) + 2;
      const x1 = Math.floor((p.box.x + p.box.w) * 640) - 2;
      const y1 = Math.floor((p.box.y + p.box.h) * 480) - 2;
      if (regionStats(frame, 640, x0, y0, x1, y1).mean < 20) black++;
    }
    expect(others).toBeGreaterThanOrEqual(20);
    expect(black / others).toBeGreaterThanOrEqual(0.95);
    // The kept man is visible: his box at a labelled frame is not black.
    const man = people.find((p) => p.frame === 25 && p.box.x > 0.47 && p.box.x < 0.51);
    expect(man).toBeDefined();
    if (man) {
      const f = frames[man.frame] as Buffer;
      expect(regionStats(f, 640, Math.ceil(man.box.x * 640) + 2, Math.ceil(man.box.y * 480) + 2, Math.floor((man.box.x + man.box.w) * 640) - 2, Math.floor((man.box.y + man.box.h) * 480) - 2).mean).toBeGreaterThan(40);
    }
  });
});

describe('bad input', () => {
  function modelCopy(name: string, damage: (dir: string) => void): string {
    const dir = path.join(work.dir, name);
    mkdirSync(dir, { recursive: true });
    copyFileSync(path.join(defaultModelDir(), 'centernet.json'), path.join(dir, 'centernet.json'));
    copyFileSync(path.join(defaultModelDir(), 'centernet.bin'), path.join(dir, 'centernet.bin'));
    damage(dir);
    return dir;
  }

  it('a missing model file: assisted masking is unavailable, manual masking still works', async () => {
    const dir = modelCopy('no-bin', (d) => writeFileSync(path.join(d, 'centernet.bin'), ''));
    spawnSync('rm', [path.join(dir, 'centernet.bin')]);
    const e = await proposeTracks(VTEST_EXCERPT, { tools, modelDir: dir }).catch((x: unknown) => x);
    expect(e).toMatchObject({ msg: { key: 'masking:modelMissing' } });
    expect(isAssistedMaskingUnavailable(e)).toBe(true);
    expect((e as Error).message).toMatch(/Manual masking still works/);
  });

  it('a damaged model file (cut short, or altered) is named as such', async () => {
    const cut = modelCopy('cut', (d) => writeTruncatedCopy(path.join(defaultModelDir(), 'centernet.bin'), path.join(d, 'centernet.bin'), 100_000));
    await expect(proposeTracks(VTEST_EXCERPT, { tools, modelDir: cut })).rejects.toMatchObject({ msg: { key: 'masking:modelCorrupt' }, details: { assistedMasking: 'unavailable' } });
    const altered = modelCopy('altered', (d) => writeFileSync(path.join(d, 'centernet.json'), '{"format":"graph-model"}'));
    await expect(proposeTracks(VTEST_EXCERPT, { tools, modelDir: altered })).rejects.toMatchObject({ msg: { key: 'masking:modelCorrupt' } });
  });

  it('a corrupt clip, a missing clip and a truncated clip get a clear error', async () => {
    await expect(proposeTracks(samplePath('corrupt'), { tools })).rejects.toMatchObject({ msg: { key: 'masking:clipUnreadable' } });
    await expect(proposeTracks(path.join(work.dir, 'nothing.mp4'), { tools })).rejects.toMatchObject({ msg: { key: 'masking:clipMissing' } });
    await expect(proposeTracks(samplePath('zeroByte'), { tools })).rejects.toMatchObject({ msg: { key: 'masking:clipUnreadable' } });
    await expect(burnMasks(samplePath('corrupt'), [], [], path.join(work.dir, 'x.mp4'), undefined, { tools })).rejects.toMatchObject({ msg: { key: 'masking:clipUnreadable' } });
  });

  it('bad options are refused before anything runs', async () => {
    await expect(proposeTracks(VTEST_EXCERPT, { tools, rate: 0 })).rejects.toMatchObject({ msg: { key: 'masking:badRate' } });
    await expect(proposeTracks(VTEST_EXCERPT, { tools, minScore: 2 })).rejects.toMatchObject({ msg: { key: 'masking:badOption' } });
    await expect(proposeTracks(VTEST_EXCERPT, { tools, tiles: { cols: 0, rows: 1 } })).rejects.toMatchObject({ msg: { key: 'masking:badOption' } });
  });

  it('a clip with no people: no tracks, and a summary that says so', async () => {
    // Real footage without people: the lawn at the bottom left of the excerpt.
    const lawn = path.join(work.dir, 'lawn.mp4');
    const r = spawnSync(tools.ffmpeg, ['-v', 'error', '-i', VTEST_EXCERPT, '-vf', 'crop=240:120:0:340', '-c:v', 'libx264', '-preset', 'veryfast', '-an', lawn]);
    expect(r.status).toBe(0);
    const p = await proposeTracks(lawn, { tools, rate: 1, workers: 1 });
    expect(p.tracks).toEqual([]);
    expect(p.summary.key).toBe('masking:noPeopleFound');
    expect(p.framesAnalysed).toBe(4);
  });

  it('a clip damaged in the middle: what can be decoded is searched, or the damage is named', async () => {
    const cut = path.join(work.dir, 'cut.mp4');
    writeTruncatedCopy(VTEST_EXCERPT, cut, 120_000);
    const p: ProposeResult | Error = await proposeTracks(cut, { tools, rate: 1, workers: 1 }).catch((e: unknown) => e as Error);
    if (p instanceof Error) expect(p).toMatchObject({ msg: { key: 'masking:clipDamaged' } });
    else {
      expect(p.framesAnalysed).toBeLessThan(4);
      expect(p.warnings.map((w) => w.key)).toEqual(['masking:partlySearched']);
    }
  });
});

describe('no network at run time', () => {
  it('proposes tracks inside a network namespace with no network at all', () => {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const script = path.join(work.dir, 'offline.mts');
    writeFileSync(
      script,
      `import { proposeTracks } from ${JSON.stringify(path.join(here, 'propose.ts'))};
const r = await proposeTracks(${JSON.stringify(VTEST_EXCERPT)}, { workers: 1, rate: 1 });
console.log('TRACKS ' + r.tracks.length);
`,
    );
    const probe = spawnSync('unshare', ['-n', 'true']);
    if (probe.status !== 0) {
      console.warn('unshare -n is not available here; the in-process no-network test in detector.test.ts still runs');
      return;
    }
    const r = spawnSync('unshare', ['-n', process.execPath, '--import', import.meta.resolve('tsx'), script], { encoding: 'utf8', timeout: 90_000 });
    expect(r.stderr).not.toMatch(/networkRefused|ENETUNREACH|EAI_AGAIN/);
    expect(r.stdout).toMatch(/TRACKS [1-9]/);
  }, 100_000);
});
