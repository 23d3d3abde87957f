/**
 * A layout found by looking (issue 16). Before a folder becomes a recording root Custodian
 * samples its names (native/tree-sample.ts), refuses it when it is a store whose files must
 * never be deleted one by one (native/store-signatures.ts), and otherwise reads the sample with
 * every preset (and a pattern made up from the names when none fits, common/layout-infer.ts),
 * exactly as the scan would read it (core/layout-time.ts). The proposal says which layout
 * explains the names, what it reads from a few real files, how many it cannot place, whether the
 * files' modification times confirm the zone the names are written in, and whether it is in
 * doubt. Nothing is written: the proposal registers nothing, and a person confirms it (the CLI's
 * prompt or --yes, the settings page) before the root is added with the layout named.
 */
import path from 'node:path';
import { failure } from '../common/errors.js';
import type { Msg } from '../common/i18n/catalog.js';
import { compileLayout, findPreset, LAYOUT_PRESETS, LayoutMatcher } from '../common/layout.js';
import { inferPattern } from '../common/layout-infer.js';
import type { LayoutCandidate, LayoutProposal, LayoutReading, ProposalVerdict } from '../common/layout-proposal.js';
import { assertUsableRoot } from '../native/recorder-fs.js';
import { sampleTree, spread, type TreeSample } from '../native/tree-sample.js';
import { segmentTime } from './layout-time.js';
import { admitFolder } from './roots.js';
import { estimateEnd } from './scan/fresh.js';
import { findStore, storeRefusal } from './store-refusal.js';

export interface ProposeInput {
  readonly dir: string;
  readonly dataDir: string;
  readonly siteTimeZone: string;
  readonly maxSegmentMinutes: number;
}

const MINUTE = 60_000;
/** A file closed this long before its read end, or this long after, still agrees with the zone (clock skew, upload lag). */
const EARLY_SLACK_MS = 5 * MINUTE;
const LATE_SLACK_MS = 30 * MINUTE;
/** The share of placed files whose times must agree for a zone to count as confirmed. */
const ZONE_AGREEMENT = 0.6;
const EXAMPLES = 5;

/** The folder, absolute, once it may be a root at all: the same admission as addRoot's (exists, readable, not a link, not a system folder). */
function admitted(input: ProposeInput): string {
  const abs = assertUsableRoot(input.dir);
  admitFolder(input.dataDir, abs);
  return abs;
}

/**
 * Checks a folder before anything is created for it, when its layout is named: it may be a root
 * (exists, not a system folder) and is not a store whose files must never be deleted one by one.
 */
export function checkFolder(input: ProposeInput): string {
  const abs = admitted(input);
  const store = storeRefusal(abs);
  if (store) throw failure('refused_by_safety_rule', store.key, store.params);
  return abs;
}

interface Reading extends LayoutReading {
  readonly mtimeMs: number;
  readonly stated: boolean;
  readonly dir: string;
}

interface Evaluation {
  readonly layout: string;
  readonly preset: string | null;
  readonly pattern: string;
  readonly timeZone: string;
  readonly readings: readonly Reading[];
  readonly companions: number;
  readonly unplaced: readonly { path: string; reason: string }[];
  /**
   * The same counts weighed by how many files each sampled one stands for (a folder of 144
   * files sampled by 9 weighs 16 a file): a recorder with few files per folder is not favoured
   * over one with many because more of its files were looked at.
   */
  readonly weighed: { readonly placed: number; readonly unplaced: number; readonly byPath: ReadonlyMap<string, number> };
}

/** How many files of its folder each sampled file stands for. */
function sampleWeights(sample: TreeSample): Map<string, number> {
  const sampled = new Map<string, number>();
  for (const f of sample.files) {
    const dir = f.comps.slice(0, -1).join('/');
    sampled.set(dir, (sampled.get(dir) ?? 0) + 1);
  }
  const out = new Map<string, number>();
  for (const folder of sample.folders) {
    const dir = folder.comps.join('/');
    const n = sampled.get(dir) ?? 0;
    if (n > 0) out.set(dir, folder.files.length / n);
  }
  return out;
}

function evaluate(abs: string, sample: TreeSample, layout: string, input: ProposeInput, layoutTimeZone?: string): Evaluation {
  const compiled = compileLayout(layout, input.siteTimeZone, layoutTimeZone);
  const matcher = new LayoutMatcher(compiled);
  const maxSegMs = input.maxSegmentMinutes * MINUTE;
  const readings: Reading[] = [];
  const unplaced: { path: string; reason: string }[] = [];
  let companions = 0;
  const weights = sampleWeights(sample);
  const byPath = new Map<string, number>();
  let placedW = 0;
  let unplacedW = 0;
  const weightOf = (comps: readonly string[]): number => weights.get(comps.slice(0, -1).join('/')) ?? 1;
  for (const f of sample.files) {
    const rel = f.comps.join('/');
    const w = weightOf(f.comps);
    const name = f.comps[f.comps.length - 1] as string;
    const parsed = matcher.parse(f.comps);
    if (typeof parsed === 'string') {
      if (matcher.isCompanion(name)) companions++;
      else {
        unplaced.push({ path: rel, reason: parsed });
        unplacedW += w;
      }
      continue;
    }
    const facts = { size: f.size, mtimeMs: f.mtimeMs };
    const time = segmentTime(parsed, path.join(abs, ...f.comps), facts);
    if (typeof time === 'string') {
      unplaced.push({ path: rel, reason: time });
      unplacedW += w;
      continue;
    }
    placedW += w;
    byPath.set(rel, w);
    const { end } = estimateEnd(time.startMs, facts, undefined, maxSegMs, time.statedEndMs);
    readings.push({
      path: rel,
      camera: parsed.camera,
      startMs: time.startMs,
      endMs: end,
      endFrom: parsed.endMs !== undefined ? 'name' : parsed.timeFrom === 'file' ? 'file' : 'estimate',
      kind: parsed.kind ?? null,
      mtimeMs: f.mtimeMs,
      stated: time.statedEndMs !== undefined,
      dir: f.comps.slice(0, -1).join('/'),
    });
  }
  for (const folder of sample.folders) {
    for (const name of folder.skipped) {
      if (matcher.isCompanion(name)) companions++;
      else {
        unplaced.push({ path: [...folder.comps, name].join('/'), reason: 'not a regular file (a link, a device) or a name that is not UTF-8' });
        unplacedW += 1;
      }
    }
  }
  return { layout, preset: compiled.preset, pattern: compiled.pattern, timeZone: compiled.timeZone, readings, companions, unplaced, weighed: { placed: placedW, unplaced: unplacedW, byPath } };
}

/** A segment's length as the sample shows it: the shortest gap between neighbours of one camera in one folder. */
function segmentLength(readings: readonly Reading[]): number | null {
  const byDir = new Map<string, number[]>();
  for (const r of readings) {
    const k = `${r.dir}\0${r.camera}`;
    const list = byDir.get(k);
    if (list) list.push(r.startMs);
    else byDir.set(k, [r.startMs]);
  }
  const gaps: number[] = [];
  for (const starts of byDir.values()) {
    starts.sort((a, b) => a - b);
    let min = Infinity;
    for (let i = 1; i < starts.length; i++) {
      const g = (starts[i] as number) - (starts[i - 1] as number);
      if (g > 0 && g < min) min = g;
    }
    if (Number.isFinite(min)) gaps.push(min);
  }
  if (gaps.length === 0) return null;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] as number;
}

/**
 * The share of files whose modification time agrees with the reading: closed at the end the
 * name states, or one segment after the start. Null when the sample cannot say (no stated ends
 * and no neighbours to tell a segment's length).
 */
function agreement(e: Evaluation): number | null {
  const len = segmentLength(e.readings);
  let judged = 0;
  let agree = 0;
  for (const r of e.readings) {
    const expected = r.stated && r.endFrom === 'name' ? r.endMs : len === null ? null : r.startMs + len;
    if (expected === null) continue;
    judged++;
    const d = r.mtimeMs - expected;
    if (d >= -EARLY_SLACK_MS && d <= LATE_SLACK_MS) agree++;
  }
  return judged === 0 ? null : agree / judged;
}

interface Scored {
  readonly eval: Evaluation;
  readonly layoutTimeZone: string | null;
  readonly defaultTimeZone: string;
  readonly zoneEvidence: LayoutCandidate['zoneEvidence'];
  readonly order: number;
}

/** Reads the sample with `layout` in its own zone, and in the other zone when only that one agrees with the files' times. */
function score(abs: string, sample: TreeSample, layout: string, input: ProposeInput, order: number): Scored {
  const first = evaluate(abs, sample, layout, input);
  const base: Scored = { eval: first, layoutTimeZone: null, defaultTimeZone: first.timeZone, zoneEvidence: 'unchecked', order };
  if (first.readings.length === 0 || findPreset(layout)?.timeOfDay === 'file') return base;
  const own = agreement(first);
  if (own !== null && own >= ZONE_AGREEMENT) return { ...base, zoneEvidence: 'agrees' };
  const other = first.timeZone === 'UTC' ? input.siteTimeZone : 'UTC';
  if (other === first.timeZone) return base;
  const alt = evaluate(abs, sample, layout, input, other);
  const theirs = agreement(alt);
  if (theirs !== null && theirs >= ZONE_AGREEMENT && theirs > (own ?? 0) + 0.3) {
    return { eval: alt, layoutTimeZone: other, defaultTimeZone: first.timeZone, zoneEvidence: 'changed', order };
  }
  return base;
}

function candidate(s: Scored): LayoutCandidate {
  const e = s.eval;
  const preset = e.preset ? findPreset(e.preset) : undefined;
  // Examples: one per camera first, then spread over time.
  const byCamera = new Map<string, Reading>();
  for (const r of e.readings) if (!byCamera.has(r.camera)) byCamera.set(r.camera, r);
  const rest = spread(
    [...e.readings].filter((r) => ![...byCamera.values()].includes(r)).sort((a, b) => a.startMs - b.startMs),
    EXAMPLES,
  );
  const examples = [...byCamera.values()].slice(0, EXAMPLES);
  for (const r of rest) if (examples.length < EXAMPLES) examples.push(r);
  return {
    layout: e.layout,
    preset: e.preset,
    recorder: preset?.recorder ?? null,
    pattern: e.pattern,
    timeZone: e.timeZone,
    layoutTimeZone: s.layoutTimeZone,
    defaultTimeZone: s.defaultTimeZone,
    zoneEvidence: s.zoneEvidence,
    placed: e.readings.length,
    companions: e.companions,
    unplaced: e.unplaced.length,
    cameras: [...new Set(e.readings.map((r) => r.camera))].slice(0, 50),
    examples: examples.map((r) => ({ path: r.path, camera: r.camera, startMs: r.startMs, endMs: r.endMs, endFrom: r.endFrom, kind: r.kind })),
    unplacedExamples: e.unplaced.slice(0, EXAMPLES),
  };
}

/** Two readings of the same files that disagree (another camera or another start), or another half of the tree. */
function rivals(best: Scored, other: Scored): boolean {
  const a = new Map(best.eval.readings.map((r) => [r.path, `${r.camera}\0${r.startMs}`]));
  const bPlaced = other.eval.weighed.placed;
  if (bPlaced === 0) return false;
  let differ = false;
  let elsewhere = 0;
  for (const r of other.eval.readings) {
    const mine = a.get(r.path);
    if (mine === undefined) elsewhere += other.eval.weighed.byPath.get(r.path) ?? 1;
    else if (mine !== `${r.camera}\0${r.startMs}`) differ = true;
  }
  const aPlaced = best.eval.weighed.placed;
  // The same files read differently by a layout that places about as many.
  if (differ && bPlaced >= aPlaced * 0.9) return true;
  // A second recorder's names beside the first's: a mixed tree, which no one layout explains.
  return elsewhere >= Math.max(2, aPlaced * 0.5);
}

export function proposeLayout(input: ProposeInput): LayoutProposal {
  const abs = admitted(input);
  const sample = sampleTree(abs);
  const base = { folder: abs, files: sample.files.length, folders: sample.folders.length, partial: sample.partial };
  const store = findStore(abs, sample);
  if (store) {
    const msg: Msg = { key: `layouts:store.${store.recorder}`, params: { folder: abs, path: store.rel } };
    return { ...base, verdict: 'store', best: null, others: [], store: { recorder: store.recorder, path: store.rel, msg }, messages: [msg] };
  }
  const skipped = sample.folders.reduce((n, f) => n + f.skipped.length, 0);
  if (sample.files.length === 0 && skipped === 0) {
    return { ...base, verdict: 'empty', best: null, others: [], store: null, messages: [{ key: 'layouts:proposal.empty', params: { folder: abs } }] };
  }
  let scored = LAYOUT_PRESETS.map((p, i) => score(abs, sample, p.name, input, i));
  const placedShare = (s: Scored): number => s.eval.weighed.placed / Math.max(1, s.eval.weighed.placed + s.eval.weighed.unplaced);
  const rank = (list: Scored[]): Scored[] =>
    [...list].sort((a, b) => b.eval.weighed.placed - a.eval.weighed.placed || b.eval.companions - a.eval.companions || a.order - b.order);
  let ranked = rank(scored.filter((s) => s.eval.readings.length > 0));
  if (!ranked[0] || placedShare(ranked[0]) < 0.5) {
    const pattern = inferPattern(sample.files.map((f) => f.comps), input.siteTimeZone);
    if (pattern && !scored.some((s) => s.eval.pattern === pattern)) {
      scored = [...scored, score(abs, sample, pattern, input, LAYOUT_PRESETS.length)];
      ranked = rank(scored.filter((s) => s.eval.readings.length > 0));
    }
  }
  const best = ranked[0];
  if (!best) {
    return { ...base, verdict: 'none', best: null, others: [], store: null, messages: [{ key: 'layouts:proposal.none', params: { folder: abs, files: sample.files.length } }] };
  }
  const others = ranked.slice(1).filter((s) => s.eval.weighed.placed >= best.eval.weighed.placed * 0.5);
  const doubt = others.filter((o) => rivals(best, o));
  const verdict: ProposalVerdict = doubt.length > 0 ? 'ambiguous' : placedShare(best) < 0.5 ? 'few' : 'clear';
  const c = candidate(best);
  const messages: Msg[] = [];
  messages.push(
    c.preset
      ? { key: 'layouts:proposal.title', params: { folder: abs, recorder: c.recorder ?? c.preset, layout: c.preset } }
      : { key: 'layouts:proposal.titlePattern', params: { folder: abs } },
  );
  messages.push({ key: 'layouts:proposal.pattern', params: { pattern: c.pattern } });
  const zoneKey = c.zoneEvidence === 'agrees' ? 'zoneAgrees' : c.zoneEvidence === 'changed' ? 'zoneChanged' : 'zoneUnchecked';
  messages.push({ key: `layouts:proposal.${zoneKey}`, params: { zone: c.timeZone, default: c.defaultTimeZone } });
  messages.push({
    key: sample.partial ? 'layouts:proposal.countsPartial' : 'layouts:proposal.counts',
    params: { files: sample.files.length + skipped, folders: sample.folders.length, placed: c.placed, companions: c.companions, unplaced: c.unplaced },
  });
  const alsoFits = others.filter((o) => !doubt.includes(o));
  if (alsoFits.length > 0) messages.push({ key: 'layouts:proposal.alternatives', params: { list: alsoFits.map((o) => o.eval.layout).join(', ') } });
  if (verdict === 'ambiguous') messages.push({ key: 'layouts:proposal.ambiguous', params: { others: doubt.map((o) => o.eval.layout).join(', ') } });
  if (verdict === 'few') messages.push({ key: 'layouts:proposal.fewPlaced', params: { placed: c.placed, files: c.placed + c.unplaced } });
  return { ...base, verdict, best: c, others: [...doubt, ...alsoFits].map(candidate), store: null, messages };
}
