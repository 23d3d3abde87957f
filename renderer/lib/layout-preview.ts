/**
 * The settings screen's live preview of a layout: how each sample path would be read (camera
 * and start time) or why it would be left alone, with the same parser the indexer uses
 * (common/layout.ts), so what the administrator sees is what the scan will do.
 */
import { compileLayout, LayoutMatcher } from '../../common/layout.js';

export type PreviewLine = { path: string; ok: true; camera: string; startMs: number } | { path: string; ok: false; reason: string };

export function previewLayout(pattern: string, siteTz: string, layoutTz: string | undefined, paths: readonly string[]): { error: string | null; lines: PreviewLine[] } {
  let matcher: LayoutMatcher;
  try {
    matcher = new LayoutMatcher(compileLayout(pattern, siteTz, layoutTz));
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e), lines: [] };
  }
  const lines = paths
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p): PreviewLine => {
      const r = matcher.parse(p.replace(/^\/+/, '').split('/'));
      return typeof r === 'string' ? { path: p, ok: false, reason: r } : { path: p, ok: true, camera: r.camera, startMs: r.startMs };
    });
  return { error: null, lines };
}
