import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { checkExecutable, resolveMediaTools } from './media-tools.js';

describe('ffmpeg and ffprobe', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('the packaged binaries are found and executable (their install scripts ran)', () => {
    const tools = resolveMediaTools();
    expect(() => checkExecutable('ffprobe', tools.ffprobe)).not.toThrow();
    expect(() => checkExecutable('ffmpeg', tools.ffmpeg)).not.toThrow();
  });
  it('an ffprobe shipped 0644 (install script skipped) is a clear error at start', () => {
    const f = path.join(t.dir, 'ffprobe');
    writeFileSync(f, '#!/bin/sh\n');
    chmodSync(f, 0o644);
    expect(() => resolveMediaTools({ ffprobePath: f, ffmpegPath: resolveMediaTools().ffmpeg })).toThrow(/not executable.*install script/);
    expect(() => resolveMediaTools({ ffprobePath: path.join(t.dir, 'nope') })).toThrow(/not found/);
  });
});
