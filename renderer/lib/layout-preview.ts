/**
 * The settings screen's live preview of a layout: how each sample path would be read (camera
 * and start time) or why it would be left alone, with the same parser the indexer uses
 * (common/layout.ts), so what the administrator sees is what the scan will do.
 */
import { isCustodianError } from '../../common/errors.js';
import { translator, type Language } from '../../common/i18n/catalog.js';
import { textMsg } from '../../common/i18n/words.js';
import { compileLayout, LayoutMatcher } from '../../common/layout.js';

export type PreviewLine = { path: string; ok: true; camera: string; startMs: number } | { path: string; ok: false; reason: string };

/** The preview, its sentences worded in `lang` (the parser's reasons are the log form, read back into the catalogue's words). */
export function previewLayout(pattern: string, siteTz: string, layoutTz: string | undefined, paths: readonly string[], lang: Language = 'sv'): { error: string | null; lines: PreviewLine[] } {
  const words = translator(lang);
  let matcher: LayoutMatcher;
  try {
    matcher = new LayoutMatcher(compileLayout(pattern, siteTz, layoutTz));
  } catch (e) {
    return { error: isCustodianError(e) && e.msg ? words(e.msg) : e instanceof Error ? e.message : String(e), lines: [] };
  }
  const lines = paths
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p): PreviewLine => {
      const r = matcher.parse(p.replace(/^\/+/, '').split('/'));
      return typeof r === 'string' ? { path: p, ok: false, reason: words(textMsg(r)) } : { path: p, ok: true, camera: r.camera, startMs: r.startMs };
    });
  return { error: null, lines };
}
