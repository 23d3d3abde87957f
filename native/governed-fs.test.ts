/**
 * The only unlink of governed files, attacked directly: a folder swapped for a link (or renamed
 * away) after it was opened, a link where a file was, a bad name. Both variants: the folder
 * handle (Linux) and the path confirmed before each unlink (what Windows uses).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { identityOf, openGovernedFolder, removeEmptyTree, type GovernedFolder } from './governed-fs.js';

for (const mode of ['auto', 'path'] as const) {
  describe(`a governed folder (${mode === 'auto' ? 'folder handle' : 'path confirmed before each unlink'})`, () => {
    let t: ReturnType<typeof tempDir>;
    let base: string;
    let decoy: string;
    beforeEach(() => {
      t = tempDir();
      base = path.join(t.dir, 'root');
      decoy = path.join(t.dir, 'outside', 'day');
      mkdirSync(path.join(base, 'cam', 'day'), { recursive: true });
      mkdirSync(decoy, { recursive: true });
      for (const n of ['a.mp4', 'b.mp4', 'c.mp4']) {
        writeFileSync(path.join(base, 'cam', 'day', n), 'recording');
        writeFileSync(path.join(decoy, n), 'precious, not ours');
      }
    });
    afterEach(() => t.cleanup());

    const open = (comps: string[]): GovernedFolder => {
      const f = openGovernedFolder(base, comps, null, mode);
      if (!('unlink' in f)) throw new Error(f.reason);
      return f;
    };

    it('deletes a regular file in the folder it opened', () => {
      const f = open(['cam', 'day']);
      expect(f.unlink('a.mp4')).toEqual({ outcome: 'deleted' });
      expect(f.unlink('a.mp4')).toEqual({ outcome: 'already-gone' });
      expect(f.stillReachable()).toBe(true);
      f.close();
      expect(readdirSync(path.join(base, 'cam', 'day')).sort()).toEqual(['b.mp4', 'c.mp4']);
    });

    it('never deletes through a folder swapped for a link after it was opened, and notices the swap', () => {
      const f = open(['cam', 'day']);
      renameSync(path.join(base, 'cam', 'day'), path.join(base, 'cam', 'day.real'));
      symlinkSync(decoy, path.join(base, 'cam', 'day'));
      const r = f.unlink('b.mp4');
      expect(readdirSync(decoy).sort()).toEqual(['a.mp4', 'b.mp4', 'c.mp4']);
      // Both variants confirm the folder's place before each unlink: the real folder has moved
      // (to day.real), so nothing is deleted in it either, and the swap is refused.
      expect(r.outcome).toBe('refused');
      expect(existsSync(path.join(base, 'cam', 'day.real', 'b.mp4'))).toBe(true);
      const same = f.stillReachable();
      expect(same).not.toBe(true);
      f.close();
    });

    it('refuses to open a folder (or a folder above it) that is a link', () => {
      renameSync(path.join(base, 'cam'), path.join(base, 'cam.real'));
      symlinkSync(path.dirname(decoy), path.join(base, 'cam'));
      const f = openGovernedFolder(base, ['cam', 'day'], null, mode);
      expect('unlink' in f).toBe(false);
      expect(readdirSync(decoy)).toHaveLength(3);
    });

    it('deletes only inside the very base folder recorded: another folder at its path is refused, also when swapped in after opening', () => {
      const id = identityOf(base);
      if (id === null) throw new Error('no base');
      const f = openGovernedFolder(base, ['cam', 'day'], null, mode, id);
      if (!('unlink' in f)) throw new Error(f.reason);
      expect(f.stillReachable()).toBe(true);
      // The copy moved aside; another folder with the same files takes its name.
      renameSync(base, path.join(t.dir, 'kept'));
      mkdirSync(path.join(base, 'cam', 'day'), { recursive: true });
      for (const n of ['a.mp4', 'b.mp4']) writeFileSync(path.join(base, 'cam', 'day', n), 'recording');
      expect(f.stillReachable()).toMatchObject({ outcome: 'refused' });
      if (mode === 'path') expect(f.unlink('a.mp4').outcome).toBe('refused');
      f.close();
      const again = openGovernedFolder(base, ['cam', 'day'], null, mode, id);
      expect(again).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('not the folder Custodian wrote') as unknown });
      expect(readdirSync(path.join(base, 'cam', 'day')).sort()).toEqual(['a.mp4', 'b.mp4']);
      // Exact: an identity that differs only past 2^53 is another folder.
      const near = { dev: id.dev, ino: id.ino + (1n << 60n) };
      expect('unlink' in openGovernedFolder(path.join(t.dir, 'kept'), ['cam', 'day'], null, mode, near)).toBe(false);
      const real = openGovernedFolder(path.join(t.dir, 'kept'), ['cam', 'day'], null, mode, id);
      if (!('unlink' in real)) throw new Error(real.reason);
      expect(real.unlink('c.mp4')).toEqual({ outcome: 'deleted' });
      real.close();
    });

    it('refuses a folder that is not the one indexed (same name, other identity)', () => {
      const f = openGovernedFolder(base, ['cam', 'day'], { ino: 1n, dev: 1n }, mode);
      expect('unlink' in f).toBe(false);
    });

    it('leaves a link where a file was, and a bad name, alone', () => {
      const f = open(['cam', 'day']);
      symlinkSync(path.join(decoy, 'c.mp4'), path.join(base, 'cam', 'day', 'link.mp4'));
      expect(f.unlink('link.mp4').outcome).toBe('refused');
      expect(f.unlink('../day/a.mp4').outcome).toBe('refused');
      expect(existsSync(path.join(decoy, 'c.mp4'))).toBe(true);
      f.close();
    });

    it('removes empty folders below a base, never a folder with something in it, never through a link', () => {
      mkdirSync(path.join(base, 'x', 'y', 'z'), { recursive: true });
      symlinkSync(path.dirname(decoy), path.join(base, 'x', 'link'));
      mkdirSync(path.join(path.dirname(decoy), 'empty'));
      removeEmptyTree(base, ['x'], false);
      expect(existsSync(path.join(base, 'x', 'y'))).toBe(false);
      expect(existsSync(path.join(path.dirname(decoy), 'empty'))).toBe(true);
      expect(existsSync(path.join(base, 'cam', 'day', 'a.mp4'))).toBe(true);
    });
  });
}
