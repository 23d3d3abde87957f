/**
 * Attack 9 (issue 12): evidence whose proofs are true.
 *
 * Real footage (the fixtures' ffmpeg), a real incident, real packages from `export --zip`. Then a
 * forger works on copies of a genuine package with what anyone has: an editor, `cp`, `sha256sum`
 * to rebuild SHA256SUMS, `openssl` to make a key of their own and re-sign the manifest, `zip` and
 * Python's zipfile to write a zip with a link entry. Every forgery is checked three ways, as the
 * parties do: `verify` against the site (`--data`), `verify --expect-fingerprint <the receipt's>`
 * (the Police without a data folder), and `verify` with nothing to trust (must never exit 0).
 *
 * Oracle: a forgery is any package whose bytes differ from what the site signed (our own list of
 * what we changed); none may be called valid or exit 0. The genuine package is the control: valid
 * against the site, `sha256sum -c` and `openssl pkeyutl -verify` agree, and the printed
 * fingerprint is what `openssl pkey -outform DER | sha256sum` says.
 *
 * Then the recipients: an incident exported for the Police and for HR. One handover must not take
 * the other's package or the material the other still waits for; a package handed to the wrong
 * audience, or a forged one, is refused and deletes nothing. And a folder reused for a second
 * export (the officer threw away the first copy and exported again into the same folder): the
 * first package's discard must not delete the second package's files, which the recipient holds.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtCliExists, cli, cliOk, DAY, deletionLog, hashTree, initData, jsonOf, summary, treeDamage, walkFiles, workspace, writeRealRecordings, type CliResult, type Workspace } from './lib.js';

interface Incident {
  ref: string;
  clips: { camera: string; subjects: string; path: string }[];
}
interface Exported {
  packageId: string;
  dir: string;
  zipPath: string | null;
  fingerprint: string;
}
interface VerifyOut {
  verdict: string;
  ok: boolean;
  fingerprint: string | null;
  problems: { file: string; kind: string }[];
}

function run(cmd: string, args: readonly string[], cwd?: string, input?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...(cwd ? { cwd } : {}), ...(input !== undefined ? { input } : {}) });
  return { code: r.status, out: r.stdout ?? '', err: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function verdictOf(r: CliResult): VerifyOut | null {
  try {
    return jsonOf<VerifyOut>(r);
  } catch {
    return null;
  }
}

/** Rewrites SHA256SUMS with the real sha256sum over every file but itself (what a forger does). */
function rebuildSums(dir: string): void {
  const files = walkFiles(dir).filter((f) => f !== 'SHA256SUMS');
  const r = run('sha256sum', files, dir);
  if (r.code !== 0) throw new Error(`sha256sum: ${r.err}`);
  writeFileSync(path.join(dir, 'SHA256SUMS'), r.out);
}

function sha256Of(file: string): string {
  return run('sha256sum', [file]).out.split(' ')[0] ?? '';
}

function flipByte(file: string): void {
  const b = readFileSync(file);
  const i = Math.floor(b.length / 2);
  b[i] = (b[i] ?? 0) ^ 0x01;
  writeFileSync(file, b);
}

describe('attack 9: forged packages are never valid; several recipients keep their own', () => {
  let ws: Workspace;
  let t0 = 0;
  let inc: Incident;
  let genuine: Exported;
  let forgeries = '';
  let stranger = { key: '', pub: '' };

  const create = (title: string): Incident => {
    const args = ['incident', 'create', '--reason', 'crime-on-premises', '--justification', 'Stöld i korridoren, polisanmäld', '--title', title, '--from', new Date(t0 + 2_000).toISOString(), '--to', new Date(t0 + 25_000).toISOString(), '--camera', 'corridor', '--camera', 'entrance'];
    const r = cli(ws.data, args);
    expect(r.code, r.err).toBe(0);
    return jsonOf<Incident>(r);
  };
  const exportTo = (ref: string, audience: string, out: string, zip = false): Exported => cliOk<Exported>(ws.data, ['export', ref, '--audience', audience, '--out', out, ...(zip ? ['--zip'] : [])]);
  /** A fresh copy of the genuine package folder to forge on. */
  const copyOf = (name: string): string => {
    const d = path.join(forgeries, name);
    cpSync(genuine.dir, d, { recursive: true });
    return d;
  };
  /**
   * The parties' verdicts on one forgery: violations when any says valid or exits 0. `all`: the
   * site (--data), the receipt's fingerprint, and nothing to trust; otherwise only the receipt's
   * fingerprint (the same checks as the site's, one process less per forgery).
   */
  const judged = (label: string, target: string, all = false): string[] => {
    const v: string[] = [];
    const bare = path.join(ws.dir, 'no-data-here');
    const ways: [string, CliResult][] = [
      ['with --expect-fingerprint of the receipt', cli(bare, ['verify', target, '--expect-fingerprint', genuine.fingerprint])],
      ...(all ? ([['against the site (--data)', cli(ws.data, ['verify', target])], ['with nothing to trust', cli(bare, ['verify', target])]] as [string, CliResult][]) : []),
    ];
    for (const [how, r] of ways) {
      const o = verdictOf(r);
      if (r.code === 0 || o?.ok === true || o?.verdict === 'valid') v.push(`${label}: verify ${how} exit ${String(r.code)}, verdict ${o?.verdict ?? '?'}`);
      else if (o === null) v.push(`${label}: verify ${how} printed no verdict (exit ${String(r.code)}): ${r.err.trim().slice(0, 160)}`);
    }
    return v;
  };

  beforeAll(async () => {
    expect(builtCliExists(), 'run npm run build first').toBe(true);
    ws = workspace('evidence');
    forgeries = path.join(ws.dir, 'forgeries');
    mkdirSync(forgeries);
    t0 = Math.floor((Date.now() - DAY) / 1000) * 1000;
    await writeRealRecordings(ws.root, ws.dir, 'corridor', t0, 3, 10);
    await writeRealRecordings(ws.root, ws.dir, 'entrance', t0, 3, 10);
    initData(ws);
    cliOk(ws.data, ['scan']);
    cliOk(ws.data, ['camera', 'set', 'corridor', '--zone', 'staff']);
    cliOk(ws.data, ['camera', 'set', 'entrance', '--zone', 'visitor']);
    inc = create('Stöld i korridoren');
    genuine = exportTo(inc.ref, 'police', path.join(ws.dir, 'till-polisen'), true);
    const key = path.join(ws.dir, 'stranger.pem');
    const pub = path.join(ws.dir, 'stranger-public.pem');
    expect(run('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', key]).code).toBe(0);
    expect(run('openssl', ['pkey', '-in', key, '-pubout', '-out', pub]).code).toBe(0);
    stranger = { key, pub };
  }, 240_000);
  afterAll(() => ws?.cleanup());

  it('the genuine package is valid against the site, and the tools a recipient has agree (control)', () => {
    const v: string[] = [];
    for (const target of [genuine.dir, genuine.zipPath ?? '']) {
      const r = cli(ws.data, ['verify', target]);
      if (r.code !== 0 || verdictOf(r)?.verdict !== 'valid') v.push(`genuine ${target}: exit ${String(r.code)} ${r.err.trim().slice(0, 200)}`);
      const bare = cli(path.join(ws.dir, 'no-data-here'), ['verify', target]);
      if (bare.code === 0) v.push(`genuine ${target} with nothing to trust exits 0 (must never: anyone can sign)`);
      if (verdictOf(bare)?.fingerprint !== genuine.fingerprint) v.push(`verify names fingerprint ${String(verdictOf(bare)?.fingerprint)}, export said ${genuine.fingerprint}`);
    }
    const sums = run('sha256sum', ['-c', 'SHA256SUMS'], genuine.dir);
    if (sums.code !== 0) v.push(`sha256sum -c on the genuine package: ${sums.out}${sums.err}`);
    const sig = run('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'site-public.pem', '-rawin', '-in', 'manifest.json', '-sigfile', 'manifest.sig'], genuine.dir);
    if (sig.code !== 0) v.push(`openssl pkeyutl -verify on the genuine package: ${sig.out}${sig.err}`);
    const der = spawnSync('openssl', ['pkey', '-pubin', '-in', path.join(genuine.dir, 'site-public.pem'), '-outform', 'DER']);
    const fp = spawnSync('sha256sum', [], { input: der.stdout, encoding: 'utf8' }).stdout.split(' ')[0];
    if (fp !== genuine.fingerprint) v.push(`openssl's fingerprint ${String(fp)} is not the one Custodian prints (${genuine.fingerprint})`);
    // The zip unpacked with the real unzip is the same package.
    const unz = path.join(forgeries, 'unzipped');
    const u = run('unzip', ['-q', genuine.zipPath ?? '', '-d', unz]);
    if (u.code !== 0) v.push(`unzip of the genuine zip: ${u.err}`);
    const [top] = walkFiles(unz).map((f) => f.split('/')[0]);
    const tops = walkFiles(unz).map((f) => f.split('/')[0]).filter((t, i, a) => a.indexOf(t) === i);
    const inner = tops.length === 1 && top && !existsSync(path.join(unz, 'manifest.json')) ? path.join(unz, top) : unz;
    const rz = cli(ws.data, ['verify', inner]);
    if (rz.code !== 0) v.push(`the genuine zip unpacked by unzip does not verify: ${rz.err.trim().slice(0, 200)}`);
    console.log(`attack 9 control: genuine ${genuine.packageId} fingerprint ${genuine.fingerprint.slice(0, 16)}…; ${summary(v, 6)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 120_000);

  it('the package copy is written 0600 in 0700 folders (issue 12 item 4): nobody else on the PC reads it', () => {
    const v: string[] = [];
    const walk = (dir: string): void => {
      const st = statSync(dir);
      if ((st.mode & 0o777) !== 0o700) v.push(`folder ${dir} is ${(st.mode & 0o777).toString(8)}, not 700`);
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if ((statSync(p).mode & 0o777) !== 0o600) v.push(`file ${p} is ${(statSync(p).mode & 0o777).toString(8)}, not 600`);
      }
    };
    walk(genuine.dir);
    const zipMode = statSync(genuine.zipPath ?? '').mode & 0o777;
    if (zipMode !== 0o600) v.push(`the zip ${genuine.zipPath ?? ''} is ${zipMode.toString(8)}, not 600`);
    console.log(`attack 9 modes: ${summary(v, 6)}`);
    expect(v.length, summary(v)).toBe(0);
  });

  it('every forgery of a folder package is refused by every party (each file changed or deleted, extras, rebuilt SHA256SUMS, a stranger\'s key, links)', () => {
    const files = walkFiles(genuine.dir);
    const clip = files.find((f) => f.endsWith('.mp4')) ?? '';
    const v: string[] = [];
    let n = 0;
    const forge = (label: string, make: (d: string) => void, all = false): void => {
      const d = copyOf(`f${n++}`);
      make(d);
      v.push(...judged(label, d, all));
    };
    // One clip stands for all: the clips are checked alike.
    const kinds = files.filter((f) => !f.endsWith('.mp4') || f === clip);
    for (const f of kinds) {
      forge(`${f} with one byte changed`, (d) => flipByte(path.join(d, f)));
      forge(`${f} deleted`, (d) => rmSync(path.join(d, f)));
    }
    // The bytes the site signed, but a link to them: a package holds only regular files.
    for (const f of [clip, 'index.html', 'manifest.json']) {
      forge(`${f} replaced by a link to the genuine bytes`, (d) => {
        rmSync(path.join(d, f));
        symlinkSync(path.join(genuine.dir, f), path.join(d, f));
      });
    }
    forge('an extra file at the top', (d) => writeFileSync(path.join(d, 'README-POLIS.txt'), 'Läs mig\n'));
    forge('an extra clip, SHA256SUMS rebuilt', (d) => {
      cpSync(path.join(d, clip), path.join(d, 'clips', 'extra.mp4'));
      flipByte(path.join(d, 'clips', 'extra.mp4'));
      rebuildSums(d);
    });
    forge('an empty extra folder', (d) => mkdirSync(path.join(d, 'bilagor')));
    forge('a clip changed and SHA256SUMS rebuilt', (d) => {
      flipByte(path.join(d, clip));
      rebuildSums(d);
    });
    forge('the viewer pointed at another video, SHA256SUMS rebuilt', (d) => {
      cpSync(path.join(d, clip), path.join(d, 'clips', 'annan.mp4'));
      flipByte(path.join(d, 'clips', 'annan.mp4'));
      const html = readFileSync(path.join(d, 'index.html'), 'utf8');
      writeFileSync(path.join(d, 'index.html'), html.split(path.basename(clip)).join('annan.mp4'));
      rebuildSums(d);
    });
    forge('VERIFY.txt rewritten, SHA256SUMS rebuilt', (d) => {
      appendFileSync(path.join(d, 'VERIFY.txt'), '\nDu behöver inte kontrollera något. / No need to check anything.\n');
      rebuildSums(d);
    });
    forge(
      'only the public key swapped for a stranger\'s',
      (d) => {
        cpSync(stranger.pub, path.join(d, 'site-public.pem'));
        rebuildSums(d);
      },
      true,
    );
    // The full forgery: a clip changed, the manifest updated to say so and re-signed with the
    // forger's own key, whose public half replaces the site's; every list agrees again.
    const resigned = (d: string, changeClip: boolean): void => {
      if (changeClip) flipByte(path.join(d, clip));
      cpSync(stranger.pub, path.join(d, 'site-public.pem'));
      const m = JSON.parse(readFileSync(path.join(d, 'manifest.json'), 'utf8')) as {
        files: { name: string; sha256: string; size: number }[];
        contents: { path: string; sha256: string; size: number }[];
        signingKey: { fingerprint: string };
      };
      const der = spawnSync('openssl', ['pkey', '-pubin', '-in', stranger.pub, '-outform', 'DER']);
      m.signingKey.fingerprint = spawnSync('sha256sum', [], { input: der.stdout, encoding: 'utf8' }).stdout.split(' ')[0] ?? '';
      for (const e of m.contents) e.sha256 = sha256Of(path.join(d, e.path));
      for (const f of m.files) {
        const e = m.contents.find((c) => c.path.endsWith(`/${f.name}.mp4`));
        if (e) f.sha256 = e.sha256;
      }
      writeFileSync(path.join(d, 'manifest.json'), `${JSON.stringify(m, null, 2)}\n`);
      const s = run('openssl', ['pkeyutl', '-sign', '-inkey', stranger.key, '-rawin', '-in', path.join(d, 'manifest.json'), '-out', path.join(d, 'manifest.sig')]);
      if (s.code !== 0) throw new Error(`openssl sign: ${s.err}`);
      rebuildSums(d);
    };
    forge('a clip changed, the manifest re-signed with a stranger\'s key and the key swapped', (d) => resigned(d, true), true);
    forge('the same package re-signed whole by a stranger (no byte of footage changed)', (d) => resigned(d, false), true);
    // The forger's package is internally consistent: the recipient's own tools accept it, which is why the fingerprint matters.
    const d = path.join(forgeries, `f${n - 2}`);
    const sumsOk = run('sha256sum', ['-c', 'SHA256SUMS'], d).code === 0;
    const sigOk = run('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'site-public.pem', '-rawin', '-in', 'manifest.json', '-sigfile', 'manifest.sig'], d).code === 0;
    console.log(`attack 9 folder forgeries: ${n} forgeries × 3 parties (the re-signed one passes sha256sum -c: ${String(sumsOk)}, openssl: ${String(sigOk)}); ${summary(v, 8)}`);
    expect(n).toBeGreaterThan(15);
    expect(v.length, summary(v)).toBe(0);
  }, 600_000);

  it('every forgery of the zip is refused (a link entry, an extra entry, an entry twice, a FIFO entry, an entry that climbs, re-zipped with a changed clip)', () => {
    const zip = genuine.zipPath ?? '';
    expect(existsSync(zip), 'export --zip wrote no zip').toBe(true);
    // Python's zipfile writes what `zip` will not (a link entry pointing anywhere, a FIFO, a name twice).
    const py = (out: string, op: string): { code: number | null; err: string } =>
      run('python3', ['-c', `
import sys, zipfile, stat
src, out, op = sys.argv[1], sys.argv[2], sys.argv[3]
zin = zipfile.ZipFile(src)
names = zin.namelist()
top = names[0].split('/')[0] + '/' if all('/' in n and n.split('/')[0] == names[0].split('/')[0] for n in names) else ''
clip = [n for n in names if n.endswith('.mp4')][0]
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    for info in zin.infolist():
        data = zin.read(info)
        if op == 'link' and info.filename == clip:
            li = zipfile.ZipInfo(info.filename); li.create_system = 3; li.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(li, '/etc/passwd'); continue
        if op == 'fifo' and info.filename == clip:
            fi = zipfile.ZipInfo(info.filename); fi.create_system = 3; fi.external_attr = (stat.S_IFIFO | 0o644) << 16
            z.writestr(fi, b''); continue
        if op == 'twice' and info.filename == clip:
            z.writestr(info, data)
            z.writestr(zipfile.ZipInfo(info.filename), b'another video')
            continue
        if op == 'changed' and info.filename == clip:
            data = bytearray(data); data[len(data)//2] ^= 1; data = bytes(data)
        z.writestr(info, data)
    if op == 'extra': z.writestr(top + 'extra.txt', 'extra')
    if op == 'climb': z.writestr(top + '../../escaped.txt', 'out')
    if op == 'dos-link':
        li = zipfile.ZipInfo(top + 'clips/link.mp4'); li.create_system = 3; li.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(li, 'x.mp4')
`, zip, out, op]);
    const v: string[] = [];
    const ops = ['link', 'fifo', 'twice', 'changed', 'extra', 'climb', 'dos-link'];
    for (const op of ops) {
      const out = path.join(forgeries, `forged-${op}.zip`);
      const p = py(out, op);
      if (p.code !== 0) {
        v.push(`could not write the ${op} zip: ${p.err.slice(0, 200)}`);
        continue;
      }
      v.push(...judged(`zip with ${op}`, out, op === 'changed'));
    }
    // And with the real zip tool: unzip, a link in place of a clip, zip --symlinks.
    const w = path.join(forgeries, 'rezip');
    mkdirSync(w);
    run('unzip', ['-q', zip, '-d', w]);
    const clipRel = walkFiles(w).find((f) => f.endsWith('.mp4')) ?? '';
    rmSync(path.join(w, clipRel));
    symlinkSync('/etc/hostname', path.join(w, clipRel));
    const linkZip = path.join(forgeries, 'forged-zip-symlinks.zip');
    const z = run('zip', ['-q', '-r', '--symlinks', linkZip, '.'], w);
    if (z.code !== 0) v.push(`zip --symlinks failed: ${z.err}`);
    else v.push(...judged('zip --symlinks with a clip as a link', linkZip));
    console.log(`attack 9 zip forgeries: ${ops.length + 1} zips × 3 parties; ${summary(v, 8)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 300_000);

  it('two recipients: the Police handover keeps HR\'s package and the material HR waits for; the wrong audience and a forgery are refused and delete nothing', () => {
    const two = create('Två mottagare');
    const pol = exportTo(two.ref, 'police', path.join(ws.dir, 'two-polisen'));
    const hr = exportTo(two.ref, 'hr', path.join(ws.dir, 'two-hr'));
    const archive = path.join(ws.data, 'archive', two.ref);
    const archiveBefore = hashTree(archive);
    const hrBefore = hashTree(hr.dir);
    const polBefore = hashTree(pol.dir);
    const v: string[] = [];
    const handover = (to: string, pkg: string, reference: string): CliResult => cli(ws.data, ['handover', two.ref, '--to', to, '--reference', reference, '--recipient', 'Mottagare Andersson', '--package', pkg]);
    const nothingGone = (label: string): void => {
      v.push(...treeDamage(archive, archiveBefore).map((x) => `${label}: archive ${x}`));
      v.push(...treeDamage(hr.dir, hrBefore).map((x) => `${label}: HR's package ${x}`));
    };
    // The Police package handed to HR (HR would get the Police's unmasked footage), and HR's to the Police.
    const wrong1 = handover('hr', pol.dir, 'HR-2026-1');
    if (wrong1.code === 0) v.push('the Police package was recorded as handed over to HR');
    const wrong2 = handover('police', hr.dir, 'K-2026-1');
    if (wrong2.code === 0) v.push('the HR package was recorded as handed over to the Police');
    nothingGone('after the wrong-audience handovers');
    // A forgery of the Police package (one clip byte) handed over.
    const forged = path.join(forgeries, 'two-forged');
    cpSync(pol.dir, forged, { recursive: true });
    const fclip = walkFiles(forged).find((f) => f.endsWith('.mp4')) ?? '';
    flipByte(path.join(forged, fclip));
    rebuildSums(forged);
    const forgedHanded = handover('police', forged, 'K-2026-2');
    if (forgedHanded.code === 0) v.push('a forged Police package was recorded as handed over');
    nothingGone('after the forged handover');
    // The real Police handover: HR still waits.
    const h1 = handover('police', pol.dir, 'K-2026-3');
    if (h1.code !== 0) v.push(`the Police handover failed: ${h1.err.trim().slice(0, 200)}`);
    nothingGone('after the Police handover (HR still waits)');
    v.push(...treeDamage(pol.dir, polBefore).map((x) => `the Police's own copy (the recipient's) after its handover: ${x}`));
    const again = handover('police', pol.dir, 'K-2026-4');
    if (again.code === 0 && !jsonOf<{ retried?: boolean }>(again).retried) v.push('the same Police package was recorded as handed over twice');
    const hrStill = cli(ws.data, ['verify', hr.dir]);
    if (hrStill.code !== 0) v.push(`HR's package no longer verifies after the Police handover: ${hrStill.err.trim().slice(0, 200)}`);
    // HR's handover: now the material goes; both recipients keep their copies.
    const h2 = handover('hr', hr.dir, 'HR-2026-5');
    if (h2.code !== 0) v.push(`the HR handover failed: ${h2.err.trim().slice(0, 200)}`);
    v.push(...treeDamage(hr.dir, hrBefore).map((x) => `HR's own copy (the recipient's) after its handover: ${x}`));
    v.push(...treeDamage(pol.dir, polBefore).map((x) => `the Police's own copy after the HR handover: ${x}`));
    const left = walkFiles(archive);
    if (left.length > 0) v.push(`${left.length} archived file(s) still there after both handovers, e.g. ${left[0] ?? ''}`);
    for (const l of deletionLog(ws.data)) if (l.path.startsWith(`${pol.dir}${path.sep}`) || l.path.startsWith(`${hr.dir}${path.sep}`)) v.push(`the deletion log names a recipient's file ${l.path} (${l.outcome})`);
    console.log(`attack 9 two recipients: wrong audience exits ${String(wrong1.code)}, ${String(wrong2.code)}; forged ${String(forgedHanded.code)}; police ${String(h1.code)}, again ${String(again.code)}, hr ${String(h2.code)}; ${summary(v, 8)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 300_000);
});

/** A workspace with `count` real 10-second recordings of a staff camera `corridor`, from a day ago. */
function corridorFrame(tag: string, count: number): () => { ws: Workspace; t0: number } {
  let w: { ws: Workspace; t0: number } | undefined;
  beforeAll(async () => {
    expect(builtCliExists(), 'run npm run build first').toBe(true);
    const ws = workspace(tag);
    const t0 = Math.floor((Date.now() - DAY) / 1000) * 1000;
    await writeRealRecordings(ws.root, ws.dir, 'corridor', t0, count, 10);
    initData(ws);
    cliOk(ws.data, ['scan']);
    cliOk(ws.data, ['camera', 'set', 'corridor', '--zone', 'staff']);
    w = { ws, t0 };
  }, 240_000);
  afterAll(() => w?.ws.cleanup());
  return () => {
    if (!w) throw new Error('the workspace is made in beforeAll');
    return w;
  };
}

// Was FINDING (attack 9, reused export folder), fixed on branch fixevidence: a package copy was
// deleted by its recorded files' place and bytes, not by the folder it was written to. The officer
// exports package 1 into a folder, moves that copy aside, exports package 2 into the same folder
// and hands it over (the recipient's copy, which Custodian promises never to delete); discarding
// package 1 deleted package 2's files with the same bytes (site-public.pem, the clips, …). Now the
// door deletes a copy's files only inside the folder whose identity was recorded.
describe('attack 9: a folder reused for a second export', () => {
  const frame = corridorFrame('evidence-reuse', 3);

  it('discarding the first package deletes nothing of the second, handed-over package written into the same folder', () => {
    const { ws, t0 } = frame();
    const inc = cliOk<Incident>(ws.data, ['incident', 'create', '--reason', 'crime-on-premises', '--justification', 'Stöld i korridoren, polisanmäld', '--title', 'Återanvänd mapp', '--from', new Date(t0 + 2_000).toISOString(), '--to', new Date(t0 + 25_000).toISOString(), '--camera', 'corridor']);
    const usb = path.join(ws.dir, 'usb', 'paket');
    const first = cliOk<Exported>(ws.data, ['export', inc.ref, '--audience', 'police', '--out', usb]);
    // The officer keeps the first copy aside (or throws it away) and exports again into the same folder.
    renameSync(usb, path.join(ws.dir, 'usb', 'gammal-kopia'));
    const second = cliOk<Exported>(ws.data, ['export', inc.ref, '--audience', 'police', '--out', usb]);
    const secondBefore = hashTree(usb);
    const h = cli(ws.data, ['handover', inc.ref, '--to', 'police', '--reference', 'K-2026-77', '--recipient', 'Insp. Berg', '--package', usb]);
    const d = cli(ws.data, ['package', 'discard', first.packageId, '--reason', 'Den första kopian lämnas inte ut']);
    const v = treeDamage(usb, secondBefore).map((x) => `the recipient's copy of package ${second.packageId}: ${x}`);
    for (const l of deletionLog(ws.data)) if (l.path.startsWith(`${usb}${path.sep}`) && l.outcome === 'deleted') v.push(`logged deleted as package ${first.packageId}'s: ${l.path}`);
    console.log(`attack 9 reused folder: handover exit ${String(h.code)}, discard exit ${String(d.code)}; ${summary(v, 8)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 240_000);
});

// Was FINDING (attack 9, CSV in a Swedish spreadsheet), fixed on branch fixevidence: csvCell
// guarded a cell that starts with = + - @ tab CR, but quoted only cells with "," '"' or a newline.
// Excel with Swedish settings opens a .csv splitting on ";" (the list separator where "," is the
// decimal comma), so a handover reference typed as "K-2026-88;=1+1" reached the DPO as a cell
// "=1+1": a formula.
describe('attack 9: the handover log CSV in a Swedish spreadsheet', () => {
  const frame = corridorFrame('evidence-csv', 2);

  it('no cell of the handover and deletion logs starts a formula when split on ";" outside quotes', () => {
    const { ws, t0 } = frame();
    const inc = cliOk<Incident>(ws.data, ['incident', 'create', '--reason', 'crime-on-premises', '--justification', 'Stöld i korridoren, polisanmäld', '--title', 'CSV', '--from', new Date(t0 + 2_000).toISOString(), '--to', new Date(t0 + 15_000).toISOString(), '--camera', 'corridor']);
    const pkg = path.join(ws.dir, 'csv-polisen');
    cliOk(ws.data, ['export', inc.ref, '--audience', 'police', '--out', pkg]);
    cliOk(ws.data, ['handover', inc.ref, '--to', 'police', '--reference', 'K-2026-88;=1+1', '--recipient', 'Insp. Berg;@SUM(1)', '--package', pkg, '--note', 'Överlämnat;+1']);
    const v: string[] = [];
    for (const log of ['handovers', 'deletions']) {
      const r = cli(ws.data, ['log', log, '--format', 'csv'], { json: false });
      for (const line of r.out.split('\n')) {
        let quoted = false;
        let cell = '';
        const cells: string[] = [];
        for (const ch of line) {
          if (ch === '"') quoted = !quoted;
          else if (ch === ';' && !quoted) {
            cells.push(cell);
            cell = '';
            continue;
          }
          cell += ch;
        }
        cells.push(cell);
        for (const c of cells) if (/^[=+\-@]/.test(c)) v.push(`log ${log}: split on ";", a cell starts a formula: ${JSON.stringify(c.slice(0, 60))}`);
      }
    }
    console.log(`attack 9 CSV with ";": ${summary(v, 6)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 240_000);
});
