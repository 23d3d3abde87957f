/**
 * Attack 4 (issue 10, promise 4): handover and incident closure delete only what Custodian wrote.
 *
 * Real footage (the fixtures' ffmpeg generator), a real incident archived by `incident create`,
 * real packages from `export`. Then the world puts things where Custodian works: an investigator's
 * `case-notes.txt` and `sub/witness.docx` in a package copy Custodian made, notes in the archive
 * folder, a package folder replaced by a symlink to an unrelated folder, an archive clip folder
 * replaced by a symlink to an unrelated folder holding a file of the clip's name. Then the copies
 * that will not be handed over are discarded (`package discard`, which deletes a copy), the last
 * package is handed over (which deletes the archived material), and `incident close`.
 *
 * Oracle: every file we put there, and every file of the unrelated folders, is intact (SHA-256);
 * none is in the deletion log; an alarm (`foreign-files`) names them; and what Custodian wrote
 * (the archived clips, the package copy's own files) is gone and logged, so the attack is on a
 * handover that really ran.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alarms,
  alarmText,
  builtCliExists,
  cli,
  cliOk,
  DAY,
  deletionLog,
  hashTree,
  initData,
  isSymlink,
  jsonOf,
  sha256,
  summary,
  treeDamage,
  walkFiles,
  workspace,
  writeRealRecordings,
  type Rec,
  type Workspace,
} from './lib.js';

interface Incident {
  ref: string;
  /** `path` is relative to the archive folder (INC-…/staff/…mp4). */
  clips: { camera: string; subjects: string; path: string }[];
}

describe('attack 4: handover and closure delete only what Custodian wrote', () => {
  let ws: Workspace;
  let t0 = 0;
  const recs: Rec[] = [];
  const create = (title: string, cams: string[]): Incident => {
    const args = ['incident', 'create', '--reason', 'crime-on-premises', '--justification', 'Stöld i korridoren, polisanmäld', '--title', title, '--from', new Date(t0 + 2_000).toISOString(), '--to', new Date(t0 + 25_000).toISOString()];
    for (const c of cams) args.push('--camera', c);
    const r = cli(ws.data, args);
    expect(r.code, r.err).toBe(0);
    const inc = jsonOf<Incident>(r);
    return { ...inc, clips: inc.clips.map((c) => ({ ...c, path: path.isAbsolute(c.path) ? c.path : path.join(ws.data, 'archive', ...c.path.split('/')) })) };
  };
  /** Exports a package and returns its id. */
  const exported = (ref: string, audience: string, out: string): string => cliOk<{ packageId: string }>(ws.data, ['export', ref, '--audience', audience, '--out', out]).packageId;
  /** A folder of someone else's that happens to look like a package. */
  const unrelated = (name: string, clipName?: string): { dir: string; hashes: Map<string, string> } => {
    const dir = path.join(ws.dir, name);
    mkdirSync(path.join(dir, 'clips'), { recursive: true });
    mkdirSync(path.join(dir, 'family'), { recursive: true });
    writeFileSync(path.join(dir, 'manifest.json'), '{"not":"a custodian package"}\n');
    writeFileSync(path.join(dir, 'SHA256SUMS'), 'deadbeef  clips/x.mp4\n');
    writeFileSync(path.join(dir, 'clips', 'x.mp4'), 'someone else\'s video\n');
    writeFileSync(path.join(dir, 'family', 'midsommar.jpg'), 'a photo\n');
    if (clipName) writeFileSync(path.join(dir, clipName), 'not the archived clip\n');
    return { dir, hashes: hashTree(dir) };
  };
  const foreign = (file: string, text: string): { file: string; sha: string } => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return { file, sha: sha256(file) };
  };

  beforeAll(async () => {
    expect(builtCliExists(), 'run npm run build first').toBe(true);
    ws = workspace('foreign');
    t0 = Math.floor((Date.now() - DAY) / 1000) * 1000;
    recs.push(...(await writeRealRecordings(ws.root, ws.dir, 'corridor', t0, 3, 10)));
    recs.push(...(await writeRealRecordings(ws.root, ws.dir, 'entrance', t0, 3, 10)));
    initData(ws);
    cliOk(ws.data, ['scan']);
    cliOk(ws.data, ['camera', 'set', 'corridor', '--zone', 'staff']);
    cliOk(ws.data, ['camera', 'set', 'entrance', '--zone', 'visitor']);
  }, 180_000);
  afterAll(() => ws?.cleanup());

  it('handover: extra files in a package copy and in the archive, and a package folder that became a link, are left alone and named', () => {
    const inc = create('Stöld i korridoren', ['corridor', 'entrance']);
    const archive = path.join(ws.data, 'archive', inc.ref);
    expect(inc.clips.length, 'the incident archived no clips').toBeGreaterThan(0);
    const pkgA = path.join(ws.dir, 'till-polisen');
    const pkgB = path.join(ws.dir, 'kopia-polisen');
    const pkgC = path.join(ws.dir, 'till-hr');
    cliOk(ws.data, ['export', inc.ref, '--audience', 'police', '--out', pkgA]);
    const idB = exported(inc.ref, 'police', pkgB);
    const idC = exported(inc.ref, 'hr', pkgC);
    const ownPkgB = walkFiles(pkgB).map((r) => path.join(pkgB, r));
    const placed = [
      foreign(path.join(pkgB, 'case-notes.txt'), 'Utredarens anteckningar\n'),
      foreign(path.join(pkgB, 'sub', 'witness.docx'), 'Vittnesmål\n'),
      foreign(path.join(archive, 'case-notes.txt'), 'Anteckningar i arkivet\n'),
      foreign(path.join(archive, 'staff', 'officer-notes.txt'), 'Väktarens anteckningar\n'),
    ];
    // The HR package folder is replaced by a link to an unrelated folder.
    const other = unrelated('unrelated-folder');
    rmSync(pkgC, { recursive: true });
    symlinkSync(other.dir, pkgC);

    // The copies that will not be handed over are discarded (each deletes its copy); the handover
    // of the last one waiting then deletes the archived material.
    const d1 = cli(ws.data, ['package', 'discard', idC, '--reason', 'HR behöver inte materialet']);
    const d2 = cli(ws.data, ['package', 'discard', idB, '--reason', 'En kopia för mycket']);
    const h = cli(ws.data, ['handover', inc.ref, '--to', 'police', '--reference', 'K-2026-1010', '--recipient', 'Insp. Anna Berg', '--package', pkgA]);
    const v: string[] = [];
    for (const p of placed) {
      if (!existsSync(p.file)) v.push(`${p.file} (not Custodian's) was deleted`);
      else if (sha256(p.file) !== p.sha) v.push(`${p.file} (not Custodian's) was altered`);
    }
    v.push(...treeDamage(other.dir, other.hashes).map((x) => `through the link ${pkgC}: ${x}`));
    const log = deletionLog(ws.data);
    for (const l of log) {
      if (placed.some((p) => p.file === l.path) || l.path.startsWith(other.dir) || l.path.startsWith(`${pkgC}${path.sep}`)) v.push(`the deletion log names ${l.path} (${l.kind}, ${l.outcome}, "${l.reason}"): not Custodian's`);
    }
    const named = alarms(ws.data).filter((a) => a.kind === 'foreign-files');
    const text = named.map(alarmText).join(' ');
    for (const p of placed) if (!text.includes(p.file) && !text.includes(path.basename(p.file))) v.push(`no foreign-files alarm names ${p.file}`);
    if (!alarms(ws.data).some((a) => ['foreign-files', 'folder-changed'].includes(a.kind) && alarmText(a).includes(pkgC))) v.push(`no alarm names the package folder ${pkgC} that became a link`);
    // And the handover did its job on what Custodian wrote.
    if (h.code !== 0 && h.code !== 1) v.push(`handover exit ${String(h.code)}: ${h.err}`);
    if (d2.code !== 0 && d2.code !== 1) v.push(`discard of the package copy exit ${String(d2.code)}: ${d2.err}`);
    for (const c of inc.clips) if (existsSync(c.path)) v.push(`archived clip ${c.path} is still there after the handover`);
    for (const f of ownPkgB) if (existsSync(f)) v.push(`the package copy's own file ${f} is still there after the handover`);
    const clipRows = log.filter((l) => l.kind === 'clip' && l.incident === inc.ref && l.outcome === 'deleted');
    if (clipRows.length !== inc.clips.length) v.push(`${clipRows.length} clip deletions logged for ${inc.clips.length} archived clips`);
    console.log(`attack 4 handover: discards exit ${String(d1.code)}, ${String(d2.code)}, handover exit ${String(h.code)}; alarms ${alarms(ws.data).map((a) => a.kind).join(', ') || 'none'}; ${summary(v, 8)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 120_000);

  it('handover: files Custodian wrote but someone replaced (same name; other bytes, or a link) are not Custodian\'s any more', () => {
    const inc = create('Stöld i förrådet', ['corridor']);
    const pkgA = path.join(ws.dir, 'ersatt-till-polisen');
    const pkgB = path.join(ws.dir, 'ersatt-kopia');
    cliOk(ws.data, ['export', inc.ref, '--audience', 'police', '--out', pkgA]);
    const idB = exported(inc.ref, 'police', pkgB);
    const own = walkFiles(pkgB).map((r) => path.join(pkgB, r));
    const clipInPkg = own.find((f) => f.endsWith('.mp4')) as string;
    const archived = inc.clips[0]?.path as string;
    expect(clipInPkg && archived, 'no clip to replace').toBeTruthy();
    // An investigator's annotated page; a clip re-saved by an editor (same size, other bytes); the
    // checksum file swapped for a link to someone's file; the archived clip replaced likewise.
    const sameSizeOther = (f: string): { file: string; sha: string } => {
      const b = readFileSync(f);
      for (let i = 0; i < b.length; i += 997) b[i] = (b[i] ?? 0) ^ 0x5a;
      writeFileSync(f, b);
      return { file: f, sha: sha256(f) };
    };
    const replaced = [foreign(path.join(pkgB, 'index.html'), '<p>Utredarens kommentarer</p>\n'), sameSizeOther(clipInPkg), sameSizeOther(archived)];
    const target = foreign(path.join(ws.dir, 'someones-file.txt'), 'Någon annans fil\n');
    rmSync(path.join(pkgB, 'SHA256SUMS'));
    symlinkSync(target.file, path.join(pkgB, 'SHA256SUMS'));
    const d = cli(ws.data, ['package', 'discard', idB, '--reason', 'En kopia för mycket']);
    const h = cli(ws.data, ['handover', inc.ref, '--to', 'police', '--reference', 'K-2026-2020', '--recipient', 'Insp. Berg', '--package', pkgA]);
    const v: string[] = [];
    for (const p of [...replaced, target]) {
      if (!existsSync(p.file)) v.push(`${p.file} (replaced: not what Custodian wrote) was deleted`);
      else if (sha256(p.file) !== p.sha) v.push(`${p.file} was altered`);
    }
    if (!isSymlink(path.join(pkgB, 'SHA256SUMS'))) v.push(`the link ${path.join(pkgB, 'SHA256SUMS')} put in place of a package file was removed`);
    const text = alarms(ws.data).filter((a) => a.kind === 'foreign-files').map(alarmText).join(' ');
    for (const p of [...replaced.map((r) => r.file), path.join(pkgB, 'SHA256SUMS')]) if (!text.includes(p) && !text.includes(path.relative(ws.dir, p)) && !text.includes(path.basename(p))) v.push(`no foreign-files alarm names ${p}`);
    for (const f of own) if (!replaced.some((r) => r.file === f) && !f.endsWith('SHA256SUMS') && existsSync(f)) v.push(`the package copy's own, unchanged file ${f} is still there after the handover`);
    for (const l of deletionLog(ws.data)) if ([...replaced.map((r) => r.file), target.file].includes(l.path) && l.outcome !== 'pending') v.push(`the deletion log says ${l.path} was ${l.outcome}`);
    console.log(`attack 4 replaced files: discard exit ${String(d.code)}, handover exit ${String(h.code)}; ${summary(v, 6)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 120_000);

  it('incident close: extra files in the archive folder are left alone and named; a clip folder that became a link is not followed', () => {
    const inc = create('Klotter', ['corridor']);
    const archive = path.join(ws.data, 'archive', inc.ref);
    const placed = [foreign(path.join(archive, 'notes.txt'), 'Anteckningar\n'), foreign(path.join(archive, 'staff', 'sub', 'witness.docx'), 'Vittnesmål\n')];
    const r = cli(ws.data, ['incident', 'close', inc.ref, '--reason', 'Ingen polisanmälan gjordes, materialet behövs inte']);
    const v: string[] = [];
    for (const p of placed) {
      if (!existsSync(p.file)) v.push(`${p.file} (not Custodian's) was deleted`);
      else if (sha256(p.file) !== p.sha) v.push(`${p.file} was altered`);
    }
    const text = alarms(ws.data).filter((a) => a.kind === 'foreign-files').map(alarmText).join(' ');
    for (const p of placed) if (!text.includes(p.file) && !text.includes(path.basename(p.file))) v.push(`no foreign-files alarm names ${p.file}`);
    for (const c of inc.clips) if (existsSync(c.path)) v.push(`archived clip ${c.path} is still there after closing`);

    // Another incident whose clip folder is replaced by a link to someone's folder that holds a
    // file of the clip's very name.
    const inc2 = create('Skadegörelse', ['corridor']);
    const clip = inc2.clips[0];
    expect(clip, 'the incident archived no clip').toBeDefined();
    const clipDir = path.dirname((clip as { path: string }).path);
    const other = unrelated('unrelated-clip-folder', path.basename((clip as { path: string }).path));
    const moved = `${clipDir}.moved`;
    renameSync(clipDir, moved);
    symlinkSync(other.dir, clipDir);
    const r2 = cli(ws.data, ['incident', 'close', inc2.ref, '--reason', 'Ärendet lades ner, materialet behövs inte längre']);
    v.push(...treeDamage(other.dir, other.hashes).map((x) => `through the link ${clipDir}: ${x}`));
    for (const l of deletionLog(ws.data)) if (l.path.startsWith(other.dir) || placed.some((p) => p.file === l.path)) v.push(`the deletion log names ${l.path} (${l.outcome})`);
    if (!alarms(ws.data).some((a) => ['foreign-files', 'folder-changed', 'delete-failed'].includes(a.kind) && alarmText(a).includes(inc2.ref))) v.push(`no alarm says ${inc2.ref}'s clip folder became a link (close exit ${String(r2.code)})`);
    // Put the real clip folder back; closing again finishes the job.
    rmSync(clipDir);
    renameSync(moved, clipDir);
    const r3 = cli(ws.data, ['incident', 'close', inc2.ref, '--reason', 'Ärendet lades ner, materialet behövs inte längre']);
    if (r3.code !== 0 || existsSync((clip as { path: string }).path)) v.push(`closing ${inc2.ref} again with its clip folder back did not delete the clip (exit ${String(r3.code)}: ${r3.err.trim()})`);
    const rows = deletionLog(ws.data).filter((l) => l.incident === inc2.ref && l.kind === 'clip' && l.outcome !== 'pending');
    if (rows.length !== 1) v.push(`${inc2.ref}'s clip is logged ${rows.length} times`);
    console.log(`attack 4 close: exits ${String(r.code)}, ${String(r2.code)}; alarms ${alarms(ws.data).map((a) => a.kind).join(', ') || 'none'}; ${summary(v, 8)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 120_000);
});
