/**
 * The masking engine's API (issue 14), for the access-request workflow and the UI built on it:
 *
 *   const p = await proposeTracks(clipPath, options, onProgress);   // assisted: detected tracks
 *   // the officer keeps the requester's track(s), corrects or adds tracks by hand (common/mask-track.ts)
 *   const b = await burnMasks(clipPath, tracks, keepTrackIds, out, onProgress);
 *   // manifest: b.sourceSha256 (the clip it came from), b.set (tracks + kept ids), b.settings
 *
 * When the detector cannot run (model missing or altered, engine missing) proposeTracks throws
 * an error for which isAssistedMaskingUnavailable() is true; burnMasks needs no model, so
 * masking by hand keeps working.
 */
export { proposeTracks, DEFAULTS as PROPOSE_DEFAULTS, type MaskingProgress, type ProposeOptions, type ProposeResult } from './propose.js';
export { burnMasks, type BurnOptions, type BurnResult } from './burn.js';
export { isAssistedMaskingUnavailable, HUMAN_VERSION, TFJS_VERSION } from './model.js';
export type { TileMode } from './detector.js';
