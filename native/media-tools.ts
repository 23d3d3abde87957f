/**
 * Where ffmpeg and ffprobe are. By default the static binaries shipped inside the
 * @ffmpeg-installer / @ffprobe-installer npm packages (so no system ffmpeg is needed); a path in
 * the settings overrides them. Checked at start with a clear error, because the ffprobe package
 * ships its binary 0644 and only its install script makes it executable.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { failure } from '../common/errors.js';

export interface MediaTools {
  readonly ffmpeg: string;
  readonly ffprobe: string;
}

const require = createRequire(import.meta.url);

function packaged(pkg: string): string {
  try {
    return (require(pkg) as { path: string }).path;
  } catch (e) {
    throw failure('internal', 'media:toolMissingPackage', { pkg, detail: (e as Error).message });
  }
}

export function checkExecutable(name: string, file: string): void {
  let st;
  try {
    st = statSync(file);
  } catch {
    throw failure('internal', 'media:toolNotFound', { tool: name, file });
  }
  if (!st.isFile()) throw failure('internal', 'media:toolNotFile', { tool: name, file });
  try {
    accessSync(file, constants.X_OK);
  } catch {
    throw failure('internal', 'media:toolNotExecutable', { tool: name, file });
  }
}

let cached: MediaTools | undefined;

export function resolveMediaTools(overrides: { ffmpegPath?: string | null; ffprobePath?: string | null } = {}): MediaTools {
  if (!overrides.ffmpegPath && !overrides.ffprobePath && cached) return cached;
  const ffmpeg = overrides.ffmpegPath ?? packaged('@ffmpeg-installer/ffmpeg');
  const ffprobe = overrides.ffprobePath ?? packaged('@ffprobe-installer/ffprobe');
  checkExecutable('ffmpeg', ffmpeg);
  checkExecutable('ffprobe', ffprobe);
  const tools = { ffmpeg, ffprobe };
  if (!overrides.ffmpegPath && !overrides.ffprobePath) cached = tools;
  return tools;
}
