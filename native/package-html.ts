/**
 * index.html of an evidence package: one self-contained page (inline CSS and JS, no network, a
 * Content-Security-Policy that forbids fetching anything but the package's own clips) that an
 * HR officer or the Police open from file:// on any computer.
 *
 * Every time shown is precomputed here, at export, in the package's time zone — the viewer's
 * computer may be set to any zone. The small script only adds the wall-clock time at the
 * playhead, from offsets precomputed here too (including a DST change inside a clip).
 *
 * The page's texts come from the catalogue (common/i18n/evidence.ts), rendered at export in the
 * language the package was made for, with the other language beside each text (data-sv/data-en):
 * the reader switches with a button in the page, which only swaps those precomputed texts. Every
 * clip has a poster (its first keyframe, inlined as a data: URL, so the page stays one file and
 * fetches nothing). The page is itself listed (size and SHA-256) in the signed manifest, so it is
 * rendered from the manifest's body, before the file list exists.
 */
import { tzOffset } from '@date-fns/tz';
import { translator } from '../common/i18n/catalog.js';
import { actorMsg } from '../common/i18n/words.js';
import { clipPackagePath, VERIFY_COMMANDS, type PackageBody, type PackageFile, type PackageLanguage } from '../common/manifest.js';
import { formatLocal } from '../common/time.js';

/**
 * A text of the page as HTML: in the package's language, the other one beside it for the
 * language switch. `t(key)` is escaped text; `t.plain` the bare string (for <title>).
 */
interface T {
  (key: string, params?: Record<string, string | number>): string;
  plain(key: string, params?: Record<string, string | number>): string;
  /** Two ready strings (e.g. a size with a decimal comma or point) as one switchable text. */
  pair(sv: string, en: string): string;
}

export const PAGE_LANGUAGES: readonly PackageLanguage[] = ['sv', 'en'];

/** The viewer's words, from the catalogue (namespace "evidence"), in both languages, `language` shown. */
function textsFor(language: PackageLanguage): T {
  const trs = { sv: translator('sv'), en: translator('en') };
  const pair = (sv: string, en: string): string => {
    const shown = language === 'sv' ? sv : en;
    if (sv === en) return escapeHtml(shown);
    return `<span class="tx" data-sv="${escapeHtml(sv)}" data-en="${escapeHtml(en)}">${escapeHtml(shown)}</span>`;
  };
  const t = ((key: string, params?: Record<string, string | number>) => pair(trs.sv(`evidence:${key}`, params), trs.en(`evidence:${key}`, params))) as T;
  t.plain = (key, params) => trs[language](`evidence:${key}`, params);
  t.pair = pair;
  return t;
}

/** Escapes text for HTML element content and for double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function offsetLabel(offsetMin: number): string {
  const sign = offsetMin < 0 ? '-' : '+';
  const a = Math.abs(offsetMin);
  return `UTC${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/**
 * How a clip's instant is shown on the page: local wall time in the package's zone with its UTC
 * offset, e.g. "2026-11-25 14:30:00 (UTC+01:00)". Exported so tests and receipts show the same.
 */
export function formatPackageTime(ms: number, timeZone: string): string {
  return `${formatLocal(ms, timeZone)} (${offsetLabel(tzOffset(timeZone, new Date(ms)))})`;
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}

function formatBytes(n: number, lang: PackageLanguage): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  const num = u === 0 ? String(v) : v.toFixed(1);
  return `${lang === 'sv' ? num.replace('.', ',') : num} ${units[u] ?? ''}`;
}

/**
 * The UTC offset (minutes) at a clip's start, and if it changes before the end (a DST switch),
 * the first instant of the new offset and the new offset. Clips are short, so at most one change.
 */
function offsetsFor(startMs: number, endMs: number, timeZone: string): { off1: number; switchMs?: number; off2?: number } {
  const off1 = tzOffset(timeZone, new Date(startMs));
  const offEnd = tzOffset(timeZone, new Date(endMs));
  if (off1 === offEnd) return { off1 };
  let lo = startMs; // offset(lo) === off1
  let hi = endMs; // offset(hi) !== off1
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (tzOffset(timeZone, new Date(mid)) === off1) lo = mid;
    else hi = mid;
  }
  return { off1, switchMs: hi, off2: offEnd };
}

function row(labelHtml: string, valueHtml: string): string {
  return `<tr><th scope="row">${labelHtml}</th><td>${valueHtml}</td></tr>`;
}

function clipSection(f: PackageFile, index: number, m: PackageBody, t: T, poster: string | undefined): string {
  const path = clipPackagePath(f.name);
  const href = path.split('/').map(encodeURIComponent).join('/');
  const o = offsetsFor(f.startMs, f.endMs, m.timeZone);
  const data =
    `data-start-ms="${f.startMs}" data-off1="${o.off1}"` +
    (o.switchMs !== undefined && o.off2 !== undefined ? ` data-switch-ms="${o.switchMs}" data-off2="${o.off2}"` : '');
  const sources =
    f.sources.length === 0
      ? '—'
      : `<ul class="sources">${f.sources.map((s) => `<li><code>${escapeHtml(s.name)}</code> <span class="hash">SHA-256 ${escapeHtml(s.sha256)}</span></li>`).join('')}</ul>`;
  const redaction = f.redaction === null ? t('viewerNotRedacted') : t('viewerRedacted', { method: f.redaction.method, count: f.redaction.masks.length, encoder: f.redaction.encoder });
  const posterAttr = poster === undefined ? '' : ` poster="${escapeHtml(poster)}"`;
  return `
<section class="clip" id="clip-${index + 1}">
  <h3>${index + 1}. ${escapeHtml(f.cameraName)} — ${escapeHtml(formatPackageTime(f.startMs, m.timeZone))}</h3>
  <video controls preload="metadata" src="${escapeHtml(href)}"${posterAttr} ${data}>
    <p>${t('viewerNoVideo')} <a href="${escapeHtml(href)}">${escapeHtml(path)}</a></p>
  </video>
  <p class="playhead">${t('viewerAtPlayhead')}: <output class="now">${escapeHtml(formatPackageTime(f.startMs, m.timeZone))}</output></p>
  <table>
    ${row(t('viewerCamera'), `${escapeHtml(f.cameraName)} <span class="muted">(${escapeHtml(f.camera)})</span>`)}
    ${row(t('viewerZone'), t(`zone-${f.zone}`))}
    ${row(t('viewerStart'), `<time datetime="${escapeHtml(f.start)}">${escapeHtml(formatPackageTime(f.startMs, m.timeZone))}</time>`)}
    ${row(t('viewerEnd'), `<time datetime="${escapeHtml(f.end)}">${escapeHtml(formatPackageTime(f.endMs, m.timeZone))}</time>`)}
    ${row(t('viewerDuration'), escapeHtml(formatDuration(f.endMs - f.startMs)))}
    ${row(t('viewerRedaction'), redaction)}
    ${row(t('viewerFile'), `<a href="${escapeHtml(href)}"><code>${escapeHtml(path)}</code></a> · ${t.pair(formatBytes(f.size, 'sv'), formatBytes(f.size, 'en'))}<br><span class="hash">SHA-256 ${escapeHtml(f.sha256)}</span>`)}
    ${row(t('viewerSources'), sources)}
  </table>
</section>`;
}

const CSS = `
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 0 auto; max-width: 62rem; padding: 1.5rem; color: #1a1a1a; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #ccc; padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 0 0 .5rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #eee; }
th { width: 16rem; font-weight: 600; color: #333; }
.clip { border: 1px solid #ccc; border-radius: 6px; padding: 1rem; margin: 1rem 0; break-inside: avoid; }
video { width: 100%; max-height: 70vh; background: #000; }
.hash, code { font-family: ui-monospace, "DejaVu Sans Mono", Consolas, monospace; font-size: .85em; word-break: break-all; }
.muted, .note { color: #555; }
.sources { margin: 0; padding-left: 1.2rem; }
.playhead output { font-weight: 600; font-variant-numeric: tabular-nums; }
.intro { background: #fff8e1; border-left: 4px solid #f0b400; padding: .5rem .75rem; }
.lang { float: right; display: flex; gap: .25rem; }
.lang button { font: inherit; padding: .2rem .6rem; border: 1px solid #888; background: #fff; border-radius: 4px; cursor: pointer; }
.lang button[aria-pressed="true"] { background: #1a1a1a; color: #fff; }
.fingerprint-box { border: 1px solid #ccc; border-radius: 6px; padding: .75rem 1rem; }
pre { white-space: pre-wrap; background: #f5f5f5; padding: .5rem; }
@media print { video, .playhead, .lang { display: none; } }
`;

// Shows the package-zone wall time at the playhead. Only numbers precomputed at export are used,
// never the viewer's time zone.
const SCRIPT = `
(function () {
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function fmt(ms, off) {
    var d = new Date(ms + off * 60000);
    var a = Math.abs(off);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' +
      pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds()) +
      ' (UTC' + (off < 0 ? '-' : '+') + pad(Math.floor(a / 60)) + ':' + pad(a % 60) + ')';
  }
  var videos = document.querySelectorAll('video[data-start-ms]');
  Array.prototype.forEach.call(videos, function (v) {
    var start = Number(v.getAttribute('data-start-ms'));
    var off1 = Number(v.getAttribute('data-off1'));
    var sw = v.hasAttribute('data-switch-ms') ? Number(v.getAttribute('data-switch-ms')) : Infinity;
    var off2 = v.hasAttribute('data-off2') ? Number(v.getAttribute('data-off2')) : off1;
    var out = v.parentNode.querySelector('output.now');
    function update() {
      var t = start + Math.floor(v.currentTime * 1000);
      if (out) out.textContent = fmt(t, t >= sw ? off2 : off1);
    }
    v.addEventListener('timeupdate', update);
    v.addEventListener('seeked', update);
  });
  // The language switch: every text carries both languages, precomputed at export.
  function show(lang) {
    document.documentElement.setAttribute('lang', lang);
    Array.prototype.forEach.call(document.querySelectorAll('.tx'), function (e) {
      var text = e.getAttribute('data-' + lang);
      if (text !== null) e.textContent = text;
    });
    Array.prototype.forEach.call(document.querySelectorAll('.lang button'), function (b) {
      b.setAttribute('aria-pressed', b.getAttribute('data-lang') === lang ? 'true' : 'false');
    });
    var title = document.querySelector('title');
    if (title && title.getAttribute('data-' + lang) !== null) title.textContent = title.getAttribute('data-' + lang);
  }
  Array.prototype.forEach.call(document.querySelectorAll('.lang button'), function (b) {
    b.addEventListener('click', function () { show(b.getAttribute('data-lang')); });
  });
})();
`;

/**
 * The whole index.html, as a string (UTF-8 when written), from the manifest's body. `posters`:
 * each clip's still (a data: URL of a JPEG) by clip name; a clip without one shows the player's
 * black until it is played.
 */
export function renderPackageHtml(manifest: PackageBody, language: PackageLanguage, posters?: ReadonlyMap<string, string>): string {
  const t = textsFor(language);
  const m = manifest;
  const i = m.incident;
  const tz = m.timeZone;
  const clips = m.files.length === 0 ? `<p>${t('viewerNoClips')}</p>` : m.files.map((f, n) => clipSection(f, n, m, t, posters?.get(f.name))).join('\n');
  const toc =
    m.files.length < 2
      ? ''
      : `<ol>${m.files.map((f, n) => `<li><a href="#clip-${n + 1}">${escapeHtml(f.cameraName)} — ${escapeHtml(formatPackageTime(f.startMs, tz))}</a></li>`).join('')}</ol>`;
  const audience = t(`audience-${m.audience}`);
  const titleOf = (lang: PackageLanguage): string => `${translator(lang)('evidence:viewerPageTitle')}: ${i.reference} — ${i.title}`;
  const switcher = PAGE_LANGUAGES.map((l) => `<button type="button" lang="${l}" data-lang="${l}" aria-pressed="${l === language ? 'true' : 'false'}">${escapeHtml(translator(l)('evidence:viewerLanguageName'))}</button>`).join('');
  return `<!DOCTYPE html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; media-src 'self' file:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<title data-sv="${escapeHtml(titleOf('sv'))}" data-en="${escapeHtml(titleOf('en'))}">${escapeHtml(titleOf(language))}</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <nav class="lang" aria-label="${escapeHtml(t.plain('viewerLanguage'))}">${switcher}</nav>
  <h1>${escapeHtml(i.title)}</h1>
  <p class="muted">${t('viewerPageTitle')} · ${escapeHtml(i.reference)} · ${audience}</p>
  <p class="intro">${t('viewerIntro')}</p>
</header>
<main>
<h2>${t('viewerIncident')}</h2>
<table>
  ${row(t('viewerReference'), escapeHtml(i.reference))}
  ${row(t('viewerTitle'), escapeHtml(i.title))}
  ${row(t('viewerReason'), t(`reason-${i.reason}`))}
  ${row(t('viewerJustification'), i.justification.trim() === '' ? '—' : escapeHtml(i.justification).replace(/\r?\n/g, '<br>'))}
  ${row(t('viewerPeriod'), `<time datetime="${escapeHtml(i.from)}">${escapeHtml(formatPackageTime(i.fromMs, tz))}</time> – <time datetime="${escapeHtml(i.to)}">${escapeHtml(formatPackageTime(i.toMs, tz))}</time>`)}
  ${row(t('viewerAudience'), audience)}
  ${row(t('viewerController'), escapeHtml(m.site.controller))}
  ${row(t('viewerDpo'), escapeHtml(m.site.dpoContact))}
  ${row(t('viewerOperator'), escapeHtml(translator(language)(actorMsg(m.operator))))}
  ${row(t('viewerCreatedAt'), `<time datetime="${escapeHtml(m.createdAt)}">${escapeHtml(formatPackageTime(Date.parse(m.createdAt), tz))}</time>`)}
  ${row(t('viewerTimeZone'), escapeHtml(tz))}
  ${row(t('viewerPackageId'), `<code>${escapeHtml(m.packageId)}</code>`)}
</table>
<p class="note">${t('viewerTimesNote', { tz })} ${t('viewerNoAudio')}</p>

<h2>${t('viewerClips')} (${m.files.length})</h2>
${toc}
${clips}

<h2>${t('viewerVerifyHeading')}</h2>
<p>${t('viewerVerifyText')}</p>
<pre>${escapeHtml(VERIFY_COMMANDS.sums)}
${escapeHtml(VERIFY_COMMANDS.signature)}</pre>
<div class="fingerprint-box">
<p>${t('viewerFingerprint')}: <code class="fingerprint">${escapeHtml(m.signingKey.fingerprint)}</code></p>
<p>${t('viewerFingerprintCompare')}</p>
<p>${t('viewerFingerprintHow')}</p>
<pre>${escapeHtml(VERIFY_COMMANDS.fingerprint)}</pre>
</div>
</main>
<footer class="muted"><p>${escapeHtml(m.toolVersion)} · ${escapeHtml(m.format)}</p></footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
