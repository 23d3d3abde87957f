/**
 * Which folders may become a recording root. A root is a folder Custodian will delete in, so a
 * system folder, the home folder, or anything that holds (or lies inside) Custodian's own data
 * folder is refused with a sentence that says why, before anything is written there.
 */
import path from 'node:path';
import type { Msg } from '../common/i18n/catalog.js';

export interface AdmissionFacts {
  readonly abs: string;
  readonly dataDir: string;
  readonly home: string;
  readonly platform: NodeJS.Platform;
  readonly env?: NodeJS.ProcessEnv;
}

/** Folders that are never a recorder's storage, and whose insides are not either. */
const POSIX_SYSTEM_TREES = ['/bin', '/boot', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/sbin', '/sys', '/usr', '/run'];
/** Folders that are never a root themselves, though a recorder may write below them. */
const POSIX_SYSTEM_EXACT = ['/', '/dev', '/home', '/media', '/mnt', '/opt', '/root', '/srv', '/tmp', '/var', '/var/lib', '/var/tmp', '/Users', '/Volumes', '/System', '/Library', '/Applications'];

function inside(child: string, parent: string, p: typeof path.posix | typeof path.win32): boolean {
  const rel = p.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !p.isAbsolute(rel));
}

function norm(p: typeof path.posix | typeof path.win32, s: string, win: boolean): string {
  const n = p.resolve(s);
  return win ? n.toLowerCase() : n;
}

/** Null when `abs` may be a recording root; otherwise the sentence (a catalogue Msg) saying why not. */
export function whyNotARoot(f: AdmissionFacts): Msg | null {
  const win = f.platform === 'win32';
  const p = win ? path.win32 : path.posix;
  const abs = norm(p, f.abs, win);
  const data = norm(p, f.dataDir, win);
  const home = norm(p, f.home, win);
  const shown = { folder: f.abs };
  const system = systemFolder(abs, f, p, win);
  if (system) return { key: 'deletion:rootIsSystem', params: shown };
  if (inside(data, abs, p)) return { key: 'deletion:rootHoldsDataFolder', params: { ...shown, data: f.dataDir } };
  if (inside(abs, data, p)) return { key: 'deletion:rootInsideDataFolder', params: { ...shown, data: f.dataDir } };
  if (inside(home, abs, p)) return { key: 'deletion:rootIsHome', params: shown };
  return null;
}

/** A folder of the operating system (or one whose insides are), never a recorder's storage. */
function systemFolder(abs: string, f: AdmissionFacts, p: typeof path.posix | typeof path.win32, win: boolean): boolean {
  if (win) {
    // A drive root, or a whole share (\\server\share).
    if (p.parse(abs).root === abs || /^\\\\[^\\]+\\[^\\]+\\?$/.test(abs)) return true;
    const env = f.env ?? {};
    const trees = [env.SystemRoot ?? 'C:\\Windows', env.ProgramFiles ?? 'C:\\Program Files', env['ProgramFiles(x86)'] ?? 'C:\\Program Files (x86)', env.ProgramData ?? 'C:\\ProgramData'];
    if (trees.some((t) => inside(abs, norm(p, t, win), p))) return true;
    return abs === norm(p, p.dirname(f.home), win); // C:\Users
  }
  if (POSIX_SYSTEM_EXACT.includes(abs)) return true;
  if (POSIX_SYSTEM_TREES.some((t) => inside(abs, t, p))) return true;
  // /dev holds devices, not recordings (its RAM folder /dev/shm excepted: tests and demos use it).
  return inside(abs, '/dev', p) && !inside(abs, '/dev/shm', p);
}
