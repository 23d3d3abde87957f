/**
 * index.html of an evidence package: one self-contained page (inline CSS and JS, no network, a
 * Content-Security-Policy that forbids fetching anything but the package's own clips) that an
 * HR officer or the Police open from file:// on any computer.
 *
 * Every time shown is precomputed here, at export, in the package's time zone — the viewer's
 * computer may be set to any zone. The small script only adds the wall-clock time at the
 * playhead, from offsets precomputed here too (including a DST change inside a clip).
 *
 * The page's texts come from the catalogue (common/i18n/evidence.ts), rendered once at export in
 * the language the package was made for. The page is itself listed (size and SHA-256) in the
 * signed manifest, so it is rendered from the manifest's body, before the file list exists.
 */
import { tzOffset } from '@date-fns/tz';
import { translator } from '../common/i18n/catalog.js';
import { actorMsg } from '../common/i18n/words.js';
import { clipPackagePath, VERIFY_COMMANDS, type PackageBody, type PackageFile, type PackageLanguage } from '../common/manifest.js';
import { formatLocal } from '../common/time.js';

type T = (key: string, params?: Record<string, string | number>) => string;

/** The viewer's words, in the package's language, from the catalogue (namespace "evidence"). */
function textsFor(language: PackageLanguage): T {
  const tr = translator(language);
  return (key, params) => tr(`evidence:${key}`, params);
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

function row(label: string, valueHtml: string): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th><td>${valueHtml}</td></tr>`;
}

function clipSection(f: PackageFile, index: number, m: PackageBody, t: T, lang: PackageLanguage): string {
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
  const redaction = f.redaction === null ? escapeHtml(t('viewerNotRedacted')) : escapeHtml(t('viewerRedacted', { method: f.redaction.method, count: f.redaction.masks.length, encoder: f.redaction.encoder }));
  return `
<section class="clip" id="clip-${index + 1}">
  <h3>${index + 1}. ${escapeHtml(f.cameraName)} — ${escapeHtml(formatPackageTime(f.startMs, m.timeZone))}</h3>
  <video controls preload="metadata" src="${escapeHtml(href)}" ${data}>
    <p>${escapeHtml(t('viewerNoVideo'))} <a href="${escapeHtml(href)}">${escapeHtml(path)}</a></p>
  </video>
  <p class="playhead">${escapeHtml(t('viewerAtPlayhead'))}: <output class="now">${escapeHtml(formatPackageTime(f.startMs, m.timeZone))}</output></p>
  <table>
    ${row(t('viewerCamera'), `${escapeHtml(f.cameraName)} <span class="muted">(${escapeHtml(f.camera)})</span>`)}
    ${row(t('viewerZone'), escapeHtml(t(`zone-${f.zone}`)))}
    ${row(t('viewerStart'), `<time datetime="${escapeHtml(f.start)}">${escapeHtml(formatPackageTime(f.startMs, m.timeZone))}</time>`)}
    ${row(t('viewerEnd'), `<time datetime="${escapeHtml(f.end)}">${escapeHtml(formatPackageTime(f.endMs, m.timeZone))}</time>`)}
    ${row(t('viewerDuration'), escapeHtml(formatDuration(f.endMs - f.startMs)))}
    ${row(t('viewerRedaction'), redaction)}
    ${row(t('viewerFile'), `<a href="${escapeHtml(href)}"><code>${escapeHtml(path)}</code></a> · ${escapeHtml(formatBytes(f.size, lang))}<br><span class="hash">SHA-256 ${escapeHtml(f.sha256)}</span>`)}
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
pre { white-space: pre-wrap; background: #f5f5f5; padding: .5rem; }
@media print { video, .playhead { display: none; } }
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
})();
`;

/** The whole index.html, as a string (UTF-8 when written), from the manifest's body. */
export function renderPackageHtml(manifest: PackageBody, language: PackageLanguage): string {
  const t = textsFor(language);
  const m = manifest;
  const i = m.incident;
  const tz = m.timeZone;
  const clips = m.files.length === 0 ? `<p>${escapeHtml(t('viewerNoClips'))}</p>` : m.files.map((f, n) => clipSection(f, n, m, t, language)).join('\n');
  const toc =
    m.files.length < 2
      ? ''
      : `<ol>${m.files.map((f, n) => `<li><a href="#clip-${n + 1}">${escapeHtml(f.cameraName)} — ${escapeHtml(formatPackageTime(f.startMs, tz))}</a></li>`).join('')}</ol>`;
  const audience = t(`audience-${m.audience}`);
  return `<!DOCTYPE html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; media-src 'self' file:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(t('viewerPageTitle'))}: ${escapeHtml(i.reference)} — ${escapeHtml(i.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <h1>${escapeHtml(i.title)}</h1>
  <p class="muted">${escapeHtml(t('viewerPageTitle'))} · ${escapeHtml(i.reference)} · ${escapeHtml(audience)}</p>
  <p class="intro">${escapeHtml(t('viewerIntro'))}</p>
</header>
<main>
<h2>${escapeHtml(t('viewerIncident'))}</h2>
<table>
  ${row(t('viewerReference'), escapeHtml(i.reference))}
  ${row(t('viewerTitle'), escapeHtml(i.title))}
  ${row(t('viewerReason'), escapeHtml(t(`reason-${i.reason}`)))}
  ${row(t('viewerJustification'), i.justification.trim() === '' ? '—' : escapeHtml(i.justification).replace(/\r?\n/g, '<br>'))}
  ${row(t('viewerPeriod'), `<time datetime="${escapeHtml(i.from)}">${escapeHtml(formatPackageTime(i.fromMs, tz))}</time> – <time datetime="${escapeHtml(i.to)}">${escapeHtml(formatPackageTime(i.toMs, tz))}</time>`)}
  ${row(t('viewerAudience'), escapeHtml(audience))}
  ${row(t('viewerController'), escapeHtml(m.site.controller))}
  ${row(t('viewerDpo'), escapeHtml(m.site.dpoContact))}
  ${row(t('viewerOperator'), escapeHtml(translator(language)(actorMsg(m.operator))))}
  ${row(t('viewerCreatedAt'), `<time datetime="${escapeHtml(m.createdAt)}">${escapeHtml(formatPackageTime(Date.parse(m.createdAt), tz))}</time>`)}
  ${row(t('viewerTimeZone'), escapeHtml(tz))}
  ${row(t('viewerPackageId'), `<code>${escapeHtml(m.packageId)}</code>`)}
</table>
<p class="note">${escapeHtml(t('viewerTimesNote', { tz }))} ${escapeHtml(t('viewerNoAudio'))}</p>

<h2>${escapeHtml(t('viewerClips'))} (${m.files.length})</h2>
${toc}
${clips}

<h2>${escapeHtml(t('viewerVerifyHeading'))}</h2>
<p>${escapeHtml(t('viewerVerifyText'))}</p>
<pre>${escapeHtml(VERIFY_COMMANDS.sums)}
${escapeHtml(VERIFY_COMMANDS.signature)}</pre>
<p>${escapeHtml(t('viewerFingerprint'))}: <code class="fingerprint">${escapeHtml(m.signingKey.fingerprint)}</code></p>
<p>${escapeHtml(t('viewerFingerprintHow'))}</p>
<pre>${escapeHtml(VERIFY_COMMANDS.fingerprint)}</pre>
</main>
<footer class="muted"><p>${escapeHtml(m.toolVersion)} · ${escapeHtml(m.format)}</p></footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
