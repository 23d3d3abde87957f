/**
 * Where the person detector's files are, and the check that they are the ones Custodian was
 * built with. Everything ships inside npm packages installed with Custodian; nothing is ever
 * fetched at run time (FACTS.md: model hubs and CDNs cannot be reached here, and footage of
 * people must not make a machine call out):
 * - `@vladmandic/human` 3.3.6 (pinned exactly): the library, and its `models/centernet.json` +
 *   `centernet.bin` (MobileNetV3 CenterNet, COCO's 80 classes; we use "person");
 * - `@tensorflow/tfjs-backend-wasm` 4.22.0: the WebAssembly engine that runs the model.
 *
 * The model files are checked against the SHA-256 they have in that package version, so a
 * missing, truncated or swapped file is a clear "assisted masking unavailable" before any
 * worker starts, instead of a detector that silently finds nobody (the library itself only
 * logs a failed model load and then returns empty results).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { CustodianError, failure } from '../../common/errors.js';
import { sha256File } from '../hash.js';

const require = createRequire(import.meta.url);

export const HUMAN_VERSION = '3.3.6';
export const TFJS_VERSION = '4.22.0';

/** SHA-256 of the model files as shipped in @vladmandic/human 3.3.6. */
export const MODEL_FILES: Readonly<Record<string, string>> = {
  'centernet.json': 'bfb942eaacc5becf738d536663bc4580a0ae9e560722306e6d4dd7fe4a09de05',
  'centernet.bin': '1b635a15009071f506f9f2b3519b31c072c534888989f30d269ffd44734ef7ef',
};
export const MODEL_JSON = 'centernet.json';

/**
 * The package's folder. Its `exports` map sends Node's `require` to the tfjs-node build (which
 * cannot install here) and lists its other builds without the "./" prefix Node needs, so the
 * files are reached by path from the folder of what `require.resolve` does find.
 */
function humanPackageDir(): string {
  try {
    return path.dirname(path.dirname(require.resolve('@vladmandic/human')));
  } catch (e) {
    throw failure('internal', 'masking:modelLoadFailed', { detail: `@vladmandic/human is not installed (${(e as Error).message})` });
  }
}

/** The build of the library for Node on the WebAssembly backend. */
export function humanWasmBuild(): string {
  return path.join(humanPackageDir(), 'dist', 'human.node-wasm.js');
}

/** The folder holding the bundled models (the default; tests point elsewhere). */
export function defaultModelDir(): string {
  return path.join(humanPackageDir(), 'models');
}

/** The folder holding the .wasm files, with a trailing separator (the library joins names to it). */
export function wasmDir(): string {
  try {
    return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
  } catch {
    throw failure('internal', 'masking:runtimeMissing', { dir: 'node_modules/@tensorflow/tfjs-backend-wasm' });
  }
}

/** Throws "assisted masking unavailable" unless every model file is present and unaltered. */
export async function checkModelFiles(modelDir: string): Promise<void> {
  for (const [name, expected] of Object.entries(MODEL_FILES)) {
    const file = path.join(modelDir, name);
    let actual: string;
    try {
      actual = await sha256File(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw failure('internal', 'masking:modelMissing', { file }, { file, assistedMasking: 'unavailable' });
      throw failure('internal', 'masking:modelCorrupt', { file, expected: `@vladmandic/human ${HUMAN_VERSION}` }, { file, assistedMasking: 'unavailable', errno: code ?? null });
    }
    if (actual !== expected) {
      throw failure('internal', 'masking:modelCorrupt', { file, expected: `@vladmandic/human ${HUMAN_VERSION}` }, { file, assistedMasking: 'unavailable', sha256: actual });
    }
  }
}

/**
 * True when an error means the detector cannot run at all on this installation (missing or
 * altered model, no engine): the UI then offers manual masking only.
 */
export function isAssistedMaskingUnavailable(e: unknown): boolean {
  return e instanceof CustodianError && e.details?.['assistedMasking'] === 'unavailable';
}
