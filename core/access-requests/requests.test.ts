/**
 * The whole life of access requests in the core, with real parts: real H.264 recordings (the
 * committed vtest excerpt, people walking through a hall), real ffmpeg cutting and burning, the
 * real person detector proposing tracks, real packages checked with the real `sha256sum -c` and
 * `openssl`, the letter rendered and read back with `pdftotext`. The oracle is what a person
 * would check: the files on disk, the hand-made labels of the people, the commands a recipient
 * runs, the words of the letter.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxAt, coveredShare, type MaskTrack } from '../../common/mask-track.js';
import { PackageManifestSchema } from '../../common/manifest.js';
import { getFile, getRequestByRef, type RequestFileRow } from '../../db/access-requests.js';
import { listOpenAlarms } from '../../db/alarms.js';
import { listDeletions } from '../../db/deletions.js';
import { getHold } from '../../db/holds.js';
import { decodeFrames, excerptPeople, regionStats } from '../../fixtures/masking.js';
import { sha256File } from '../../native/hash.js';
import { defaultModelDir } from '../../native/masking/model.js';
import { DAY, MINUTE, tempDir, testCtx, type TestClock } from '../../test/helpers.js';
import { writeRequestRecorder, type RequestRecorder } from '../../test/request-fixture.js';
import { setCamera } from '../cameras.js';
import type { Ctx } from '../context.js';
import { releaseHoldById } from '../holds.js';
import { scanAll } from '../indexer.js';
import { archiveDir } from '../paths.js';
import { complianceReport } from '../reports.js';
import { addRoot } from '../roots.js';
import { changeSetting } from '../settings.js';
import { answerLetter, deliverAnswer, prepareAnswer, withdrawRequest } from './answer.js';
import { createRequest, extendRequest, findRequest, type RequestSpec } from './intake.js';
import { clipPath, maskState, proposeMasks, renderMasked, saveMasks } from './masking.js';
import { flagRequests, pruneRequests, register, requestDetail } from './register.js';
import { markNotFound, markSpan, unmarkClip } from './review.js';

function pdfText(bytes: Buffer, dir: string): string {
  const f = path.join(dir, `letter-${Date.now()}.pdf`);
  writeFileSync(f, bytes);
  return execFileSync('pdftotext', ['-layout', f, '-'], { encoding: 'utf8' });
}

describe('access requests, from intake to delivery (real ffmpeg, detector, packages, letter)', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  let rec: RequestRecorder;
  const clock: TestClock = { now: 0 };
  let spec: RequestSpec;

  beforeAll(async () => {
    t = tempDir();
    clock.now = Math.floor(Date.now() / 1000) * 1000;
    const root = path.join(t.dir, 'rec');
    rec = await writeRequestRecorder(root, path.join(t.dir, 'work'), { hallMs: clock.now - 2 * DAY, corridorMs: clock.now - 2 * DAY + 10 * MINUTE });
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    addRoot(ctx, { path: root });
    // The test moves its clock months ahead with no recorder writing (the clock check is tested on its own).
    changeSetting(ctx, 'clockCheckHours', 366 * 24);
    changeSetting(ctx, 'massDeletionShare', 1);
    scanAll(ctx);
    setCamera(ctx, 'hall', { name: 'Hallen', zone: 'visitor' });
    setCamera(ctx, 'lawn', { name: 'Gräsmattan', zone: 'visitor' });
    setCamera(ctx, 'corridor', { name: 'Personalkorridor', zone: 'staff' });
    spec = {
      receivedMs: clock.now - DAY,
      name: 'Anna Andersson',
      contact: 'Storgatan 1, 111 22 Stockholm',
      identityCheckedBy: 'Väktare Berg',
      identityMethod: 'körkort, visat i receptionen',
      description: 'Röd jacka, går genom hallen från vänster',
      windows: [{ cameras: ['hall', 'lawn'], fromMs: rec.hallMs - MINUTE, toMs: rec.hallMs + 5 * MINUTE }],
    };
  }, 180_000);
  afterAll(() => {
    ctx?.close();
    t?.cleanup();
  });

  it('refuses bad input at intake with a clear message and writes nothing', () => {
    expect(() => createRequest(ctx, { ...spec, windows: [{ cameras: ['nope'], fromMs: rec.hallMs, toMs: rec.hallMs + MINUTE }] })).toThrow(/no camera "nope"/);
    expect(() => createRequest(ctx, { ...spec, windows: [{ cameras: ['hall'], fromMs: rec.hallMs, toMs: rec.hallMs - 1 }] })).toThrow(/ends before it starts/);
    expect(() => createRequest(ctx, { ...spec, identityMethod: 'körkort 19800101-1234' })).toThrow(/identity or ID number/);
    expect(() => createRequest(ctx, { ...spec, description: 'pnr 8001011234 blå jacka' })).toThrow(/ID number/);
    expect(() => createRequest(ctx, { ...spec, receivedMs: clock.now + DAY })).toThrow(/in the future/);
    expect(() => createRequest(ctx, { ...spec, windows: [] })).toThrow(/at least one time and place/);
    expect(register(ctx)).toEqual([]);
  });

  let ref = '';
  it('registers the request, freezes its windows at once, and refuses to release that hold while it is open', async () => {
    const r = createRequest(ctx, spec);
    ref = r.request.ref;
    expect(ref).toMatch(/^DSR-\d{4}-0001$/);
    expect(r.warnings).toEqual([]);
    expect(r.windows).toHaveLength(1);
    const holdId = r.windows[0]?.hold_id as number;
    const hold = getHold(ctx.db, holdId);
    expect(hold?.released_ms).toBeNull();
    expect(hold?.reason).toBe(`access request ${ref}`);
    expect(hold?.source).toBe('access-request');
    expect(() => releaseHoldById(ctx, holdId, 'nobody needs this')).toThrow(/released when the request is answered or withdrawn/);
    expect(getHold(ctx.db, holdId)?.released_ms).toBeNull();
    const d = requestDetail(ctx, r.request);
    expect(d.clock).toBe('running');
    expect(d.requester).toBe('Anna Andersson');
    // A window where nothing was recorded is said, not refused.
    const empty = createRequest(ctx, { ...spec, name: 'Bo Berg', windows: [{ cameras: ['corridor'], fromMs: clock.now - 10 * DAY, toMs: clock.now - 10 * DAY + MINUTE }] });
    expect(empty.warnings.map((w) => w.key)).toEqual(['requests:warn.windowEmpty']);
    const w = await withdrawRequest(ctx, empty.request.ref, 'Registrerad två gånger av misstag.');
    expect(w.deletion).toEqual({ deleted: 0, failed: [], foreign: [] });
    expect(getHold(ctx.db, empty.windows[0]?.hold_id ?? 0)?.released_ms).not.toBeNull();
  });

  it('marks where the requester appears: archived as hashed clips linked to their sources, only inside the frozen windows', async () => {
    await expect(markSpan(ctx, ref, { camera: 'corridor', fromMs: rec.corridorMs, toMs: rec.corridorMs + 5000 })).rejects.toThrow(/outside the times and places/);
    await expect(markSpan(ctx, ref, { camera: 'hall', fromMs: rec.hallMs + 4 * MINUTE, toMs: rec.hallMs + 5 * MINUTE })).rejects.toThrow(/no recordings from hall/);
    const m = await markSpan(ctx, ref, { camera: 'hall', fromMs: rec.hallMs, toMs: rec.hallMs + 4000 });
    expect(m.clips).toHaveLength(1);
    const clip = m.clips[0];
    if (!clip) throw new Error('no clip');
    const file = clipPath(ctx, clip);
    expect(file.startsWith(path.join(archiveDir(ctx), ref, 'clips'))).toBe(true);
    expect(await sha256File(file)).toBe(clip.sha256);
    const d = requestDetail(ctx, findRequest(ctx, ref));
    expect(d.clips[0]?.sources.map((s) => s.sha256)).toHaveLength(1);
    // The source is the recorder's segment, hashed at copy time.
    const seg = path.join(t.dir, 'rec', 'hall');
    expect(existsSync(seg)).toBe(true);
  }, 60_000);

  it('without the detector (model missing or damaged) says assisted masking is unavailable; masks drawn by hand still work', async () => {
    const clip = requestDetail(ctx, findRequest(ctx, ref)).clips[0]?.id as number;
    const broken = path.join(t.dir, 'model-broken');
    mkdirSync(broken, { recursive: true });
    copyFileSync(path.join(defaultModelDir(), 'centernet.json'), path.join(broken, 'centernet.json'));
    await expect(proposeMasks(ctx, ref, clip, undefined, { modelDir: broken })).rejects.toMatchObject({ code: 'conflict', details: { assistedMasking: 'unavailable' }, message: expect.stringMatching(/Manual masking still works/) });
    writeFileSync(path.join(broken, 'centernet.bin'), 'not a model');
    await expect(proposeMasks(ctx, ref, clip, undefined, { modelDir: broken })).rejects.toThrow(/damaged or not the version/);
    const manual: MaskTrack = { id: 'm1', origin: 'manual', keys: [{ t: 0, box: { x: 0.1, y: 0.1, w: 0.2, h: 0.4 } }, { t: 3900, box: { x: 0.3, y: 0.1, w: 0.2, h: 0.4 } }] };
    const set = await saveMasks(ctx, ref, clip, { tracks: [manual], keep: [] });
    expect(set.width).toBe(640);
    expect(set.tracks).toHaveLength(1);
    await expect(saveMasks(ctx, ref, clip, { tracks: [manual], keep: ['nope'] })).rejects.toThrow(/kept track/);
  }, 60_000);

  it('an answer needs masks burned in from exactly the saved tracks (previewed)', async () => {
    await expect(prepareAnswer(ctx, ref)).rejects.toThrow(/changed after the preview|preview/);
  });

  let keptId = '';
  it('assisted masking: proposes tracks, the requester\'s is kept, every other labelled person is black in the masked copy', async () => {
    const clip = requestDetail(ctx, findRequest(ctx, ref)).clips[0]?.id as number;
    const p = await proposeMasks(ctx, ref, clip);
    expect(p.summary.key).toBe('masking:peopleFound');
    expect(p.set.tracks.length).toBeGreaterThanOrEqual(4);
    // The requester: the man who stands left of the sign post through the whole excerpt.
    const keep = p.set.tracks.find((tr) => {
      const b = boxAt(tr, 2500);
      return b !== null && b.x > 0.47 && b.x < 0.51 && b.y > 0.25 && b.y < 0.34;
    });
    expect(keep, 'a track for the standing man').toBeDefined();
    keptId = keep?.id as string;
    await saveMasks(ctx, ref, clip, { tracks: p.set.tracks, keep: [keptId] });
    expect(maskState(ctx, findRequest(ctx, ref), getClipRow(ctx, clip)).current).toBe(false);
    const masked = await renderMasked(ctx, ref, clip);
    expect(await sha256File(clipPath(ctx, masked))).toBe(masked.sha256);
    const frames = decodeFrames(clipPath(ctx, masked), 640, 480);
    let black = 0;
    let others = 0;
    for (const person of excerptPeople()) {
      const kb = boxAt(keep as MaskTrack, person.t);
      if (kb && coveredShare(person.box, [kb]) > 0.5) continue;
      others++;
      const f = frames[person.frame];
      if (!f) continue;
      const x0 = Math.ceil(person.box.x * 640) + 2;
      const y0 = Math.ceil(person.box.y * 480) + 2;
      if (regionStats(f, 640, x0, y0, Math.floor((person.box.x + person.box.w) * 640) - 2, Math.floor((person.box.y + person.box.h) * 480) - 2).mean < 20) black++;
    }
    expect(others).toBeGreaterThanOrEqual(20);
    expect(black / others).toBeGreaterThanOrEqual(0.95);
    const st = maskState(ctx, findRequest(ctx, ref), getClipRow(ctx, clip));
    expect(st.current).toBe(true);
    expect(st.set?.keep).toEqual([keptId]);
  }, 120_000);

  let pkgDir = '';
  it('answers with a data-subject package, signed whole, checked with sha256sum and openssl, and a letter that says what was found', async () => {
    const r = await prepareAnswer(ctx, ref);
    expect(r.request.status).toBe('ready');
    const pkg = r.package;
    if (!pkg) throw new Error('no package');
    pkgDir = pkg.dir;
    expect(pkg.location).toBe('data');
    const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: pkg.dir, encoding: 'utf8' });
    expect(sums.status, sums.stdout + sums.stderr).toBe(0);
    const sig = spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'site-public.pem', '-rawin', '-in', 'manifest.json', '-sigfile', 'manifest.sig'], { cwd: pkg.dir, encoding: 'utf8' });
    expect(sig.status, sig.stdout + sig.stderr).toBe(0);
    expect(sig.stdout).toMatch(/Signature Verified Successfully/);
    const manifest = PackageManifestSchema.parse(JSON.parse(readFileSync(path.join(pkg.dir, 'manifest.json'), 'utf8')));
    expect(manifest.audience).toBe('data-subject');
    expect(manifest.incident.reason).toBe('access-request');
    expect(manifest.request?.reference).toBe(ref);
    const clip = requestDetail(ctx, findRequest(ctx, ref)).clips[0];
    const file = manifest.files[0];
    expect(file?.redaction?.derivedFromSha256).toBe(clip?.sha256);
    expect(file?.redaction?.tracks?.keep).toEqual([keptId]);
    expect(file?.redaction?.tracks?.tracks.length).toBeGreaterThanOrEqual(4);
    // No ID numbers, no contact details in what the package says of the request.
    expect(readFileSync(path.join(pkg.dir, 'manifest.json'), 'utf8')).not.toContain('Storgatan');
    // The letter is inside, listed in the signed contents, and reads as an answer.
    const letterEntry = manifest.contents.find((c) => c.path.endsWith('.pdf'));
    expect(letterEntry?.path).toBe(`brev-${ref}.pdf`);
    const text = pdfText(readFileSync(path.join(pkg.dir, letterEntry?.path ?? '')), t.dir);
    expect(text).toContain('Vi har hittat 1 inspelning(ar) där du syns');
    expect(text).toContain('Hallen');
    expect(text).toMatch(/Integritetsskyddsmyndigheten \(IMY\)/);
    expect(text).toContain('2 månader');
    expect(text).toContain('Polismyndigheten');
    expect(text).toContain('dataskyddsombud');
    expect(text.replace(/\s+/g, '')).toContain(manifest.signingKey.fingerprint);
    const letter = await answerLetter(ctx, ref);
    expect(pdfText(letter.bytes, t.dir)).toContain('Vi har hittat 1 inspelning(ar)');
  }, 60_000);

  it('delivery is recorded once; then the holds are released and the material deleted, each deletion logged', async () => {
    const before = findRequest(ctx, ref);
    const masked = requestDetail(ctx, before).clips[0];
    const d = await deliverAnswer(ctx, ref, { method: 'personligen, på USB-minne', note: 'Kvitterat av sökande' });
    expect(d.request.status).toBe('answered');
    expect(d.deletion.failed).toEqual([]);
    expect(d.holdsReleased).toBe(1);
    expect(existsSync(path.join(archiveDir(ctx), ref))).toBe(false);
    expect(existsSync(pkgDir)).toBe(false);
    const log = listDeletions(ctx.db, 0, 1000).filter((x) => x.incident_ref === ref);
    expect(log.filter((x) => x.kind === 'clip')).toHaveLength(2); // the clip and its masked copy
    expect(log.filter((x) => x.kind === 'package').length).toBeGreaterThanOrEqual(8);
    expect(log.every((x) => x.outcome === 'deleted' && /answered: delivered personligen/.test(x.reason))).toBe(true);
    expect(masked?.sha256 && log.some((x) => x.sha256 === masked.sha256)).toBe(true);
    const row = register(ctx).find((x) => x.ref === ref);
    expect(row).toMatchObject({ outcome: 'found', status: 'answered', inTime: true, overdue: false, extended: false, daysTaken: 1 });
    await expect(deliverAnswer(ctx, ref, { method: 'post' })).rejects.toThrow(/was delivered on/);
    expect(() => releaseHoldById(ctx, requestDetail(ctx, findRequest(ctx, ref)).windows[0]?.hold?.id ?? 0, 'x y z')).toThrow(/already released/);
  }, 60_000);

  it('"not found" is an answer: holds released at once, the letter says no recordings were found', async () => {
    const r = createRequest(ctx, { ...spec, name: 'Cecilia Ek', language: 'en', windows: [{ cameras: ['corridor'], fromMs: rec.corridorMs, toMs: rec.corridorMs + 30_000 }] }).request;
    await expect(prepareAnswer(ctx, r.ref)).rejects.toThrow(/no reviewed clips/);
    const nf = markNotFound(ctx, r.ref, 'Sökt igenom korridoren hela tidsfönstret, ingen röd jacka.');
    expect(nf.outcome).toBe('not-found');
    expect(requestDetail(ctx, nf).windows.every((w) => w.hold?.released !== null)).toBe(true);
    const a = await prepareAnswer(ctx, r.ref);
    expect(a.package).toBeNull();
    const letter = await answerLetter(ctx, r.ref);
    expect(letter.fileName).toBe(`letter-${r.ref}.pdf`);
    const text = pdfText(letter.bytes, t.dir);
    expect(text).toContain('We found no recordings of you');
    expect(text).toContain('Personalkorridor');
    expect(text).toContain('Swedish Authority for Privacy Protection (IMY)');
    const d = await deliverAnswer(ctx, r.ref, { method: 'by post' });
    expect(d.request.status).toBe('answered');
    expect(register(ctx).find((x) => x.ref === r.ref)?.outcome).toBe('not-found');
  });

  it('a clip with nobody in it: the detector says so, an empty set means nothing is masked, and it still answers', async () => {
    const r = createRequest(ctx, { ...spec, name: 'David Fors', windows: [{ cameras: ['lawn'], fromMs: rec.hallMs - MINUTE, toMs: rec.hallMs + MINUTE }] }).request;
    const m = await markSpan(ctx, r.ref, { camera: 'lawn', fromMs: rec.hallMs, toMs: rec.hallMs + 4000 });
    const clip = m.clips[0]?.id as number;
    const p = await proposeMasks(ctx, r.ref, clip, undefined, { rate: 1 });
    expect(p.set.tracks).toEqual([]);
    expect(p.summary.key).toBe('masking:noPeopleFound');
    await expect(prepareAnswer(ctx, r.ref)).rejects.toThrow(/preview/);
    await renderMasked(ctx, r.ref, clip);
    const a = await prepareAnswer(ctx, r.ref, { outDir: path.join(t.dir, 'usb', 'svar'), zip: false });
    expect(a.package?.location).toBe('out');
    // Taking a mark back after the answer was made sets the answer aside.
    const extra = await markSpan(ctx, r.ref, { camera: 'lawn', fromMs: rec.hallMs + 1000, toMs: rec.hallMs + 3000 });
    expect(findRequest(ctx, r.ref).status).toBe('open');
    await unmarkClip(ctx, r.ref, extra.clips[0]?.id as number, 'fel markering, samma klipp');
    await expect(deliverAnswer(ctx, r.ref, { method: 'post' })).rejects.toThrow(/not ready/);
    await prepareAnswer(ctx, r.ref, { outDir: path.join(t.dir, 'usb', 'svar2'), zip: false });
    // The first answer's copy was never delivered: Custodian wrote it, Custodian deletes it.
    expect(existsSync(path.join(t.dir, 'usb', 'svar', 'manifest.json'))).toBe(false);
    await deliverAnswer(ctx, r.ref, { method: 'personligen' });
    // The delivered copy written onto the requester's media is theirs.
    expect(existsSync(path.join(t.dir, 'usb', 'svar2', 'manifest.json'))).toBe(true);
    expect(spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: path.join(t.dir, 'usb', 'svar2') }).status).toBe(0);
  }, 120_000);

  it('a withdrawn request releases its holds and deletes what was made for it', async () => {
    const r = createRequest(ctx, { ...spec, name: 'Eva Gran' }).request;
    await markSpan(ctx, r.ref, { camera: 'hall', fromMs: rec.hallMs, toMs: rec.hallMs + 4000 });
    const w = await withdrawRequest(ctx, r.ref, 'Den sökande återkallade begäran per brev.');
    expect(w.request.status).toBe('withdrawn');
    expect(w.deletion.deleted).toBe(1);
    expect(existsSync(path.join(archiveDir(ctx), r.ref))).toBe(false);
    expect(requestDetail(ctx, w.request).windows.every((x) => x.hold?.released !== null)).toBe(true);
  }, 60_000);

  it('the clock: one extension before the deadline with a reason and when the requester was told; alarms for due soon and overdue; G1 in the report', async () => {
    const open = createRequest(ctx, { ...spec, name: 'Filip Holm', receivedMs: clock.now }).request;
    expect(() => extendRequest(ctx, open.ref, { reason: 'kort', toldMs: clock.now })).toThrow(/more time/);
    const ext = extendRequest(ctx, open.ref, { reason: 'Många kameror och långa tidsfönster att gå igenom', toldMs: clock.now });
    expect(ext.extended_due_ms).toBeGreaterThan(ext.due_ms);
    expect(() => extendRequest(ctx, open.ref, { reason: 'Ännu mer tid behövs för granskningen', toldMs: clock.now })).toThrow(/extended only once/);
    // Another request, whose first deadline passes without an extension.
    const late = createRequest(ctx, { ...spec, name: 'Gustav Isaksson', receivedMs: clock.now }).request;
    const report0 = await complianceReport(ctx, { fromMs: clock.now - 10 * DAY, toMs: clock.now + DAY });
    const g0 = report0.verdicts.find((v) => v.clause === 'G1');
    expect(g0?.status).toBe('held');
    expect(report0.g1.answered).toBe(3);

    clock.now += 26 * DAY;
    const f = flagRequests(ctx);
    expect(f.dueSoon).toEqual(expect.arrayContaining([late.ref]));
    expect(f.dueSoon).not.toContain(open.ref);
    clock.now += 10 * DAY;
    expect(() => extendRequest(ctx, late.ref, { reason: 'Vi hann inte med granskningen i tid', toldMs: clock.now })).toThrow(/first deadline passed/);
    const f2 = flagRequests(ctx);
    expect(f2.overdue).toEqual([late.ref]);
    const alarms = listOpenAlarms(ctx.db).filter((a) => a.kind === 'request-overdue');
    expect(alarms.map((a) => JSON.parse(a.details) as { request: string }).map((d) => d.request)).toEqual([late.ref]);
    expect(getRequestByRef(ctx.db, late.ref)?.status).toBe('open');
    const report = await complianceReport(ctx, { fromMs: clock.now - 60 * DAY, toMs: clock.now });
    const g1 = report.verdicts.find((v) => v.clause === 'G1');
    expect(g1?.status).toBe('not-held');
    expect(g1?.facts.filter((x) => x.severity === 'deviation').map((x) => x.key)).toEqual(['requests:g1.overdue']);
    expect(g1?.facts.some((x) => x.key === 'requests:g1.extended' && x.refs.includes(open.ref))).toBe(true);
    expect(report.g1.overdue).toBe(1);
    await withdrawRequest(ctx, late.ref, 'Den sökande drog tillbaka sin begäran.');
    await withdrawRequest(ctx, open.ref, 'Den sökande drog tillbaka sin begäran.');
    expect(flagRequests(ctx).overdue).toEqual([]);
  }, 60_000);

  it('the request\'s own record is kept for its stated period, then pruned', () => {
    const before = register(ctx).length;
    expect(before).toBeGreaterThanOrEqual(6);
    clock.now += 35 * 30 * DAY;
    expect(pruneRequests(ctx)).toEqual([]);
    clock.now += 3 * 30 * DAY;
    const pruned = pruneRequests(ctx);
    expect(pruned).toContain(ref);
    expect(register(ctx).length).toBe(before - pruned.length);
    expect(() => findRequest(ctx, ref)).toThrow(/no request/);
  });
});

function getClipRow(ctx: Ctx, id: number): RequestFileRow {
  const row = getFile(ctx.db, id);
  if (!row) throw new Error(`no request file #${id}`);
  return row;
}
