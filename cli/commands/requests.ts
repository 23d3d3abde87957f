/**
 * `custodian request …`: an access request's life from the command line (issue 14): intake with
 * its holds, the extension, marks archived as clips, masks proposed, saved and burned in, the
 * answer (package and letter), delivery or withdrawal, and the DPO's register. Thin: parse, call
 * core/access-requests/, print. The sentences come from the catalogue (namespace "requests",
 * keys `cli.*`) in the site's language.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CustodianError, failure } from '../../common/errors.js';
import { translator } from '../../common/i18n/catalog.js';
import type { MaskTrack } from '../../common/mask-track.js';
import { formatInstant, parseUserTime } from '../../common/time.js';
import { answerLetter, deliverAnswer, prepareAnswer, withdrawRequest, type CloseResult } from '../../core/access-requests/answer.js';
import { addWindow, createRequest, extendRequest, findRequest, requests, type WindowSpec } from '../../core/access-requests/intake.js';
import { maskState, proposeMasks, renderMasked, saveMasks } from '../../core/access-requests/masking.js';
import { register, REGISTER_COLUMNS, requestDetail, requestSummary } from '../../core/access-requests/register.js';
import { markNotFound, markSpan, requestClip, unmarkClip } from '../../core/access-requests/review.js';
import type { Ctx } from '../../core/context.js';
import { toCsv } from '../../core/logs.js';
import { withCtx, withCtxAsync } from '../context.js';
import { EXIT, printJson, table } from '../io.js';
import { progressFor } from '../progress.js';
import { collect, globals, positiveInt, type CliContext } from './shared.js';

type T = ReturnType<typeof translator>;

function words(ctx: Ctx): T {
  return translator(ctx.settings().language);
}

function at(ctx: Ctx, value: string): number {
  return parseUserTime(value, ctx.settings().siteTimeZone);
}

function windowFrom(ctx: Ctx, o: { camera: string[]; from: string; to: string }): WindowSpec {
  return { cameras: o.camera, fromMs: at(ctx, o.from), toMs: at(ctx, o.to) };
}

/** With --json, progress went out as lines before; the result is the last line. */
function printLast(c: CliContext, value: unknown): void {
  c.io.out(`${JSON.stringify(value)}\n`);
}

function closed(c: CliContext, ctx: Ctx, json: boolean, r: CloseResult | { request: CloseResult['request']; deleted: number; failed: { path: string; reason: string }[] }): void {
  const t = words(ctx);
  const deleted = 'deletion' in r ? r.deletion.deleted : r.deleted;
  const failed = 'deletion' in r ? r.deletion.failed : r.failed;
  const released = 'holdsReleased' in r ? r.holdsReleased : 0;
  if (json) printJson(c.io, { ...requestSummary(ctx, r.request), deleted, failed, holdsReleased: released });
  else c.io.out(`${t('requests:cli.closed', { ref: r.request.ref, status: t(`requests:status.${r.request.status}`), deleted, released })}\n`);
  if (failed.length > 0) {
    for (const f of failed) c.io.err(`  ${f.path}: ${f.reason}\n`);
    c.io.err(`${t('requests:cli.deleteLater', { count: failed.length })}\n`);
    c.setExit(EXIT.failed);
  }
}

function printShow(c: CliContext, ctx: Ctx, ref: string): void {
  const t = words(ctx);
  const d = requestDetail(ctx, findRequest(ctx, ref));
  const lines = [
    `${d.ref}  ${t(`requests:status.${d.status}`)}  ${t(`requests:clock.${d.clock}`)}`,
    t('requests:cli.showRequester', { name: d.requester, contact: d.contact }),
    t('requests:cli.showIdentity', { by: d.identityCheckedBy, method: d.identityMethod }),
    t('requests:cli.showDescription', { description: d.description }),
    t('requests:cli.showClock', { received: d.received, due: d.due, days: d.daysTaken }),
  ];
  if (d.extended) lines.push(t('requests:cli.showExtended', { until: d.extended.until, reason: d.extended.reason, told: d.extended.told }));
  for (const w of d.windows) lines.push(`  ${t('requests:cli.showWindow', { id: w.id, cameras: w.cameras.join(', '), from: w.from, to: w.to, hold: w.hold ? `#${w.hold.id}${w.hold.released ? ` (${t('requests:cli.released')})` : ''}` : '–' })}`);
  for (const k of d.clips) {
    const masks = k.masks ? t('requests:cli.showMasks', { tracks: k.masks.tracks, kept: k.masks.kept.join(', ') || '–' }) : t('requests:cli.noMasks');
    const masked = k.masked?.status === 'complete' ? (k.masked.current ? t('requests:cli.maskedCurrent') : t('requests:cli.maskedStale')) : t('requests:cli.notMasked');
    lines.push(`  ${t('requests:cli.showClip', { id: k.id, camera: k.camera, start: k.start ?? '', end: k.end ?? '', status: k.status })}; ${masks}; ${masked}`);
  }
  if (d.outcome === 'not-found') lines.push(t('requests:cli.showNotFound', { note: d.outcomeNote ?? '' }));
  if (d.package) lines.push(t('requests:cli.showPackage', { id: d.package.packageId, dir: d.package.dir, fingerprint: d.package.fingerprint }));
  if (d.delivery) lines.push(t('requests:cli.showDelivery', { at: d.delivery.at, method: d.delivery.method, by: d.delivery.by }));
  if (d.withdrawn) lines.push(t('requests:cli.showWithdrawn', { at: d.withdrawn.at, reason: d.withdrawn.reason }));
  c.io.out(`${lines.join('\n')}\n`);
}

/** Mask tracks from a JSON file: an array of tracks, or a set with `tracks` (and `keep`). */
function tracksFrom(file: string): { tracks: MaskTrack[]; keep: string[] | null } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path.resolve(file), 'utf8'));
  } catch (e) {
    throw failure('invalid_request', 'requests:err.badTracks', { detail: e instanceof Error ? e.message : String(e) });
  }
  // The shapes are checked by saveMasks (MaskTrackSetSchema); here only which of the two forms.
  if (Array.isArray(raw)) return { tracks: raw as MaskTrack[], keep: null };
  if (raw && typeof raw === 'object' && Array.isArray((raw as { tracks?: unknown }).tracks)) {
    const o = raw as { tracks: MaskTrack[]; keep?: unknown };
    return { tracks: o.tracks, keep: Array.isArray(o.keep) ? o.keep.map(String) : null };
  }
  throw failure('invalid_request', 'requests:err.badTracks', { detail: 'expected an array of tracks or an object with "tracks"' });
}

export function registerRequests(program: Command, c: CliContext): void {
  const request = program.command('request').description('access requests (GDPR art. 15): a person asks for the footage of themselves; answered within a month, everyone else masked');

  request
    .command('create')
    .description('register a signed paper request (prints its DSR-YYYY-NNNN reference); the window it names is held at once')
    .requiredOption('--received <date>', 'the day the signed request arrived')
    .requiredOption('--name <text>', "the requester's name")
    .requiredOption('--contact <text>', 'how to reach them (address, e-mail, phone)')
    .requiredOption('--checked-by <text>', 'who checked their identity')
    .requiredOption('--id-method <text>', 'how (the kind of document, never its number)')
    .requiredOption('--description <text>', 'how to recognise them: clothes, what they did')
    .requiredOption('--camera <id>', 'a camera they name (repeat for more)', collect, [])
    .requiredOption('--from <time>', 'ISO 8601; site time when no offset is given')
    .requiredOption('--to <time>', 'ISO 8601; site time when no offset is given')
    .option('--lang <sv|en>', 'the language of the answer (default Swedish)')
    .action((o: { received: string; name: string; contact: string; checkedBy: string; idMethod: string; description: string; camera: string[]; from: string; to: string; lang?: string }, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        if (o.lang !== undefined && o.lang !== 'sv' && o.lang !== 'en') throw failure('invalid_request', 'requests:err.language', { language: o.lang });
        const r = createRequest(ctx, {
          receivedMs: at(ctx, o.received),
          name: o.name,
          contact: o.contact,
          identityCheckedBy: o.checkedBy,
          identityMethod: o.idMethod,
          description: o.description,
          language: o.lang,
          windows: [windowFrom(ctx, o)],
        });
        const t = words(ctx);
        if (g.json) printJson(c.io, { ...requestSummary(ctx, r.request), warnings: r.warnings.map((w) => t(w)) });
        else {
          c.io.out(`${r.request.ref}\n${t('requests:cli.created', { ref: r.request.ref, due: requestSummary(ctx, r.request).due, holds: r.windows.length })}\n`);
          for (const w of r.warnings) c.io.err(`${t(w)}\n`);
        }
      });
    });

  request
    .command('add-window <ref>')
    .description('add a time and place to an open request; it is held at once')
    .requiredOption('--camera <id>', 'camera (repeat for more)', collect, [])
    .requiredOption('--from <time>', 'ISO 8601')
    .requiredOption('--to <time>', 'ISO 8601')
    .action((ref: string, o: { camera: string[]; from: string; to: string }, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const r = addWindow(ctx, ref, windowFrom(ctx, o));
        const t = words(ctx);
        if (g.json) printJson(c.io, { ...requestSummary(ctx, r.request), warnings: r.warnings.map((w) => t(w)) });
        else c.io.out(`${t('requests:cli.windowAdded', { ref: r.request.ref, windows: r.windows.length })}\n`);
        if (!g.json) for (const w of r.warnings) c.io.err(`${t(w)}\n`);
      });
    });

  request
    .command('list')
    .description('access requests, the ones due soonest first')
    .action((_o: unknown, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const rows = requests(ctx)
          .map((r) => requestSummary(ctx, r))
          .sort((a, b) => Number(b.status === 'open' || b.status === 'ready') - Number(a.status === 'open' || a.status === 'ready') || a.dueMs - b.dueMs);
        const t = words(ctx);
        if (g.json) printJson(c.io, { requests: rows });
        else if (rows.length === 0) c.io.out(`${t('requests:cli.none')}\n`);
        else c.io.out(`${table([[t('requests:col.ref'), t('requests:col.status'), t('requests:col.received'), t('requests:col.due'), t('requests:col.clock')], ...rows.map((r) => [r.ref, t(`requests:status.${r.status}`), r.received, r.due, t(`requests:clock.${r.clock}`)])])}\n`);
      });
    });

  request
    .command('show <ref>')
    .description('a request: requester, windows and their holds, clips and masks, answer, delivery')
    .action((ref: string, _o: unknown, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        if (g.json) printJson(c.io, requestDetail(ctx, findRequest(ctx, ref)));
        else printShow(c, ctx, ref);
      });
    });

  request
    .command('extend <ref>')
    .description('extend once, before the first deadline, by at most two months')
    .requiredOption('--reason <text>', 'why more time is needed')
    .requiredOption('--told <date>', 'when the requester was told, and why')
    .option('--until <date>', 'the new last day (default: three months after receipt)')
    .action((ref: string, o: { reason: string; told: string; until?: string }, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const r = extendRequest(ctx, ref, { reason: o.reason, toldMs: at(ctx, o.told), untilMs: o.until === undefined ? undefined : at(ctx, o.until) });
        const s = requestSummary(ctx, r);
        if (g.json) printJson(c.io, s);
        else c.io.out(`${words(ctx)('requests:cli.extended', { ref: s.ref, due: s.due })}\n`);
      });
    });

  request
    .command('mark <ref>')
    .description('mark where the requester appears (one camera, from–to, inside a window): archived at once as hashed clips')
    .requiredOption('--camera <id>', 'camera')
    .requiredOption('--from <time>', 'ISO 8601')
    .requiredOption('--to <time>', 'ISO 8601')
    .action(async (ref: string, o: { camera: string; from: string; to: string }, cmd: Command) => {
      const g = globals(cmd);
      await withCtxAsync(g, c.io, async (ctx) => {
        const t = words(ctx);
        const bar = progressFor(c.io, g.json ?? false, t('requests:cli.marking', { ref }));
        let m;
        try {
          m = await markSpan(ctx, ref, { camera: o.camera, fromMs: at(ctx, o.from), toMs: at(ctx, o.to) }, (f) => bar.update(f, o.camera));
        } finally {
          bar.stop();
        }
        const tz = ctx.settings().siteTimeZone;
        const d = requestDetail(ctx, m.request);
        if (g.json) printLast(c, { ...d, gaps: m.gaps.map((x) => ({ camera: x.camera, from: formatInstant(x.fromMs, tz), to: formatInstant(x.toMs, tz) })) });
        else {
          const ids = m.clips.map((k) => `#${k.id}`).join(', ');
          c.io.out(`${t('requests:cli.marked', { ref: d.ref, clips: ids })}\n`);
          for (const x of m.gaps) c.io.out(`  ${t('requests:cli.gap', { camera: x.camera, from: formatInstant(x.fromMs, tz), to: formatInstant(x.toMs, tz) })}\n`);
        }
      });
    });

  request
    .command('unmark <ref> <clip>')
    .description('take back a mark: its clip and masked copy are deleted (logged)')
    .requiredOption('--reason <text>', 'why')
    .action(async (ref: string, clip: string, o: { reason: string }, cmd: Command) => {
      const g = globals(cmd);
      await withCtxAsync(g, c.io, async (ctx) => closed(c, ctx, g.json ?? false, await unmarkClip(ctx, ref, positiveInt(clip), o.reason)));
    });

  request
    .command('not-found <ref>')
    .description('answer that no recordings of the requester were found: the holds are released at once')
    .requiredOption('--note <text>', 'what was searched, and why they are not in it')
    .action((ref: string, o: { note: string }, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const r = markNotFound(ctx, ref, o.note);
        if (g.json) printJson(c.io, requestSummary(ctx, r));
        else c.io.out(`${words(ctx)('requests:cli.notFound', { ref: r.ref })}\n`);
      });
    });

  request
    .command('propose <ref> <clip>')
    .description("propose mask tracks for every person in a clip with the offline detector (then keep the requester's with `request masks --keep`)")
    .option('--rate <fps>', 'frames analysed per second of video')
    .action(async (ref: string, clip: string, o: { rate?: string }, cmd: Command) => {
      const g = globals(cmd);
      await withCtxAsync(g, c.io, async (ctx) => {
        const t = words(ctx);
        const rate = o.rate === undefined ? undefined : Number(o.rate);
        if (rate !== undefined && !(rate > 0 && rate <= 30)) throw new CustodianError('invalid_request', `--rate must be a number of frames per second above 0 and at most 30, not "${o.rate ?? ''}".`);
        const bar = progressFor(c.io, g.json ?? false, t('requests:cli.proposing', { clip }));
        let p;
        try {
          p = await proposeMasks(ctx, ref, positiveInt(clip), (x) => bar.update(x.fraction, `${x.framesDone}/${x.framesTotal}`), { rate });
        } finally {
          bar.stop();
        }
        if (g.json) printLast(c, { set: p.set, summary: t(p.summary), warnings: p.warnings.map((w) => t(w)) });
        else {
          c.io.out(`${t(p.summary)}\n`);
          for (const w of p.warnings) c.io.err(`${t(w)}\n`);
          c.io.out(`${table([[t('requests:col.track'), t('requests:col.from'), t('requests:col.to'), t('requests:col.score')], ...p.set.tracks.map((k) => [k.id, `${((k.keys[0]?.t ?? 0) / 1000).toFixed(1)} s`, `${((k.keys[k.keys.length - 1]?.t ?? 0) / 1000).toFixed(1)} s`, k.score === undefined ? '' : k.score.toFixed(2)])])}\n`);
        }
      });
    });

  request
    .command('masks <ref> <clip>')
    .description("a clip's mask tracks; with --tracks, --keep or --none, save them (the kept tracks are the requester, everything else is masked)")
    .option('--tracks <file.json>', 'tracks drawn or corrected (an array, or a set with "tracks" and "keep")')
    .option('--keep <track>', "a track that is the requester's (repeat for more)", collect, [])
    .option('--none', 'nobody else is in the clip: an empty set, nothing is masked')
    .action(async (ref: string, clip: string, o: { tracks?: string; keep: string[]; none?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      await withCtxAsync(g, c.io, async (ctx) => {
        const t = words(ctx);
        const id = positiveInt(clip);
        const r = findRequest(ctx, ref);
        const current = maskState(ctx, r, requestClip(ctx, r, id)).set;
        if (o.tracks !== undefined || o.keep.length > 0 || o.none) {
          const given = o.none ? { tracks: [], keep: [] } : o.tracks !== undefined ? tracksFrom(o.tracks) : { tracks: [...(current?.tracks ?? [])], keep: null };
          const keep = o.keep.length > 0 ? o.keep : (given.keep ?? []);
          const set = await saveMasks(ctx, ref, id, { tracks: given.tracks, keep });
          if (g.json) printJson(c.io, set);
          else c.io.out(`${t('requests:cli.masksSaved', { clip: id, tracks: set.tracks.length, kept: set.keep.join(', ') || '–' })}\n`);
          return;
        }
        if (g.json) printJson(c.io, current);
        else if (!current) c.io.out(`${t('requests:cli.noMasks')}\n`);
        else c.io.out(`${table([[t('requests:col.track'), t('requests:col.origin'), t('requests:col.keys'), t('requests:col.kept')], ...current.tracks.map((k) => [k.id, k.origin, k.keys.length, current.keep.includes(k.id) ? t('requests:cli.yes') : ''])])}\n`);
      });
    });

  request
    .command('render <ref> <clip>')
    .description('burn the saved masks into a masked copy (re-encoded, irreversible): the preview, and what the answer holds')
    .action(async (ref: string, clip: string, _o: unknown, cmd: Command) => {
      const g = globals(cmd);
      await withCtxAsync(g, c.io, async (ctx) => {
        const t = words(ctx);
        const bar = progressFor(c.io, g.json ?? false, t('requests:cli.rendering', { clip }));
        let f;
        try {
          f = await renderMasked(ctx, ref, positiveInt(clip), (x) => bar.update(x, ''));
        } finally {
          bar.stop();
        }
        if (g.json) printLast(c, { id: f.id, path: f.rel_path, sha256: f.sha256, size: f.size });
        else c.io.out(`${t('requests:cli.rendered', { clip, path: f.rel_path, sha256: f.sha256 ?? '' })}\n`);
      });
    });

  request
    .command('answer <ref>')
    .description('make the answer: a signed package for the data subject with the masked clips and the letter (or the letter alone when nothing was found)')
    .option('--out <dir>', 'write the package there (default: the data folder)')
    .action(async (ref: string, o: { out?: string }, cmd: Command) => {
      const g = globals(cmd);
      await withCtxAsync(g, c.io, async (ctx) => {
        const t = words(ctx);
        const bar = progressFor(c.io, g.json ?? false, t('requests:cli.answering', { ref }));
        let a;
        try {
          a = await prepareAnswer(ctx, ref, { outDir: o.out === undefined ? undefined : path.resolve(o.out), onProgress: (p) => bar.update(p.total > 0 ? p.done / p.total : 1, p.phase) });
        } finally {
          bar.stop();
        }
        const d = requestDetail(ctx, a.request);
        if (g.json) printLast(c, d);
        else if (d.package) c.io.out(`${t('requests:cli.answered', { ref: d.ref, dir: d.package.dir, fingerprint: d.package.fingerprint })}\n`);
        else c.io.out(`${t('requests:cli.answeredLetter', { ref: d.ref })}\n`);
      });
    });

  request
    .command('letter <ref>')
    .description('write the letter that answers the request (PDF)')
    .requiredOption('--out <file.pdf>', 'where')
    .action(async (ref: string, o: { out: string }, cmd: Command) => {
      const g = globals(cmd);
      await withCtxAsync(g, c.io, async (ctx) => {
        const l = await answerLetter(ctx, ref);
        const out = path.resolve(o.out);
        // The person's own file, outside Custodian's folders: written, never removed by Custodian.
        writeFileSync(out, l.bytes, { flag: 'wx' });
        if (g.json) printJson(c.io, { ref: l.request.ref, path: out, bytes: l.bytes.length });
        else c.io.out(`${words(ctx)('requests:cli.letterWritten', { path: out })}\n`);
      });
    });

  request
    .command('deliver <ref>')
    .description('record how the answer was delivered; then the holds are released and the material deleted (each logged)')
    .requiredOption('--method <text>', 'in person, by post, …')
    .option('--note <text>', 'anything to add')
    .action(async (ref: string, o: { method: string; note?: string }, cmd: Command) => {
      const g = globals(cmd);
      await withCtxAsync(g, c.io, async (ctx) => closed(c, ctx, g.json ?? false, await deliverAnswer(ctx, ref, { method: o.method, note: o.note })));
    });

  request
    .command('withdraw <ref>')
    .description('the requester withdrew: holds released, everything made for the request deleted')
    .requiredOption('--reason <text>', 'what they said, and when')
    .action(async (ref: string, o: { reason: string }, cmd: Command) => {
      const g = globals(cmd);
      await withCtxAsync(g, c.io, async (ctx) => closed(c, ctx, g.json ?? false, await withdrawRequest(ctx, ref, o.reason)));
    });

  request
    .command('register')
    .description("the DPO's register: received, due, extended, answered, days taken, outcome")
    .option('--format <json|csv>', 'output format', 'json')
    .action((o: { format: string }, cmd: Command) => {
      const g = globals(cmd);
      if (o.format !== 'json' && o.format !== 'csv') throw new CustodianError('invalid_request', `--format must be json or csv, not "${o.format}".`);
      withCtx(g, c.io, (ctx) => {
        const rows = register(ctx);
        if (o.format === 'csv') for (const line of toCsv(rows, REGISTER_COLUMNS)) c.io.out(line);
        else printJson(c.io, { requests: rows });
      });
    });
}
