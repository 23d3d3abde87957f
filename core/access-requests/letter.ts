/**
 * The letter that answers an access request (issue 14 "Answer"), as a PDF (native/pdf.ts), in
 * Swedish or, when the requester asked, English: what was found (cameras, times) or that no
 * recordings of them were found, what was masked and why, the purposes and legal basis from the
 * privacy notice, how long recordings are kept, who receives footage, their rights, the DPO's
 * contact, and their right to complain to IMY. Every sentence is the catalogue's (namespace
 * "requests"); the facts are the request's record, so the letter made again later (for the DPO)
 * says the same. For footage found, the letter also travels inside the signed package.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { translator } from '../../common/i18n/catalog.js';
import { MaskTrackSetSchema } from '../../common/mask-track.js';
import { formatLocal } from '../../common/time.js';
import { getCamera } from '../../db/cameras.js';
import { filesOf, windowsOf, type RequestFileRow, type RequestRow } from '../../db/access-requests.js';
import { removeWorkingFolder } from '../../native/own-files.js';
import { renderPdf, type PdfDoc, type PdfSection } from '../../native/pdf.js';
import type { Ctx } from '../context.js';

/** The package the letter goes with, if footage was found. */
export interface LetterPackage {
  packageId: string;
  fingerprint: string;
  clips: number;
}

/** The file name of the letter inside the package and when downloaded. */
export function letterName(r: Pick<RequestRow, 'ref' | 'language'>): string {
  return `${r.language === 'en' ? 'letter' : 'brev'}-${r.ref}.pdf`;
}

function cameraName(ctx: Ctx, id: string | null): string {
  if (id === null) return '—';
  return getCamera(ctx.db, id)?.name ?? id;
}

/** The masked copies the answer holds: the latest one of each clip (what the package was made from). */
export function answeredCopies(ctx: Ctx, r: RequestRow): { clip: RequestFileRow; masked: RequestFileRow }[] {
  const files = filesOf(ctx.db, r.id);
  const out: { clip: RequestFileRow; masked: RequestFileRow }[] = [];
  for (const clip of files.filter((f) => f.kind === 'clip' && (f.status === 'complete' || f.status === 'deleted'))) {
    const masked = files.filter((f) => f.kind === 'masked' && f.derived_from === clip.id && f.superseded_ms === null && (f.status === 'complete' || f.status === 'deleted')).pop();
    if (masked) out.push({ clip, masked });
  }
  return out;
}

export function letterDoc(ctx: Ctx, r: RequestRow, pkg: LetterPackage | null, atMs: number): PdfDoc {
  const s = ctx.settings();
  const tz = s.siteTimeZone;
  const tr = translator(r.language);
  const t = (key: string, params?: Record<string, string | number>): string => tr(`requests:letter.${key}`, params);
  const wall = (ms: number | null): string => (ms === null ? '—' : formatLocal(ms, tz, 'yyyy-MM-dd HH:mm:ss'));
  const sections: PdfSection[] = [];
  sections.push({
    heading: t('toHeading'),
    paragraphs: [
      t('to', { name: r.requester_name, contact: r.requester_contact }),
      t('received', { received: formatLocal(r.received_ms, tz, 'yyyy-MM-dd'), ref: r.ref, method: r.identity_method }),
    ],
  });
  const windows = windowsOf(ctx.db, r.id);
  const searched = windows.map((w) => [w.cameras.split(',').map((c) => cameraName(ctx, c)).join(', '), `${wall(w.from_ms)} – ${wall(w.to_ms)}`]);
  if (r.outcome === 'not-found') {
    sections.push({
      heading: t('foundHeading'),
      paragraphs: [t('notFound'), t('searched')],
      table: { columns: [t('colCameras'), t('colWindow')], rows: searched },
    });
  } else {
    const copies = answeredCopies(ctx, r);
    const rows = copies.map(({ clip, masked }) => {
      const set = masked.tracks ? MaskTrackSetSchema.safeParse(JSON.parse(masked.tracks)) : null;
      const maskedCount = set && set.success ? set.data.tracks.length - set.data.keep.length : 0;
      return [cameraName(ctx, clip.camera_id), `${wall(clip.start_ms)} – ${wall(clip.end_ms)}`, String(maskedCount)];
    });
    sections.push({
      heading: t('foundHeading'),
      paragraphs: [t('found', { clips: copies.length }), t('searched')],
      table: { columns: [t('colCameras'), t('colWindow')], rows: searched },
    });
    sections.push({ heading: t('clipsHeading'), table: { columns: [t('colCamera'), t('colTime'), t('colMasked')], rows } });
    sections.push({ heading: t('maskedHeading'), paragraphs: [t('masked')] });
    if (pkg) {
      sections.push({
        heading: t('packageHeading'),
        paragraphs: [t('package', { id: pkg.packageId, clips: pkg.clips }), t('packageVerify'), t('fingerprint', { fingerprint: pkg.fingerprint })],
      });
    }
  }
  sections.push({ heading: t('purposeHeading'), paragraphs: [t('purpose'), t('legalBasis')] });
  sections.push({ heading: t('retentionHeading'), paragraphs: [t('retention', { months: s.retentionMonths })] });
  sections.push({ heading: t('recipientsHeading'), paragraphs: [t('recipients')] });
  sections.push({ heading: t('rightsHeading'), paragraphs: [t('rights'), t('noAudio')] });
  sections.push({ heading: t('contactHeading'), paragraphs: [t('contact', { controller: s.controller, dpo: s.dpoContact }), t('complaint')] });
  sections.push({ heading: t('signatureHeading'), paragraphs: [t('closing', { controller: s.controller })], signatureLines: [t('signedBy')] });
  return {
    title: t('title'),
    subtitle: `${r.ref} · ${formatLocal(atMs, tz, 'yyyy-MM-dd')} · ${s.controller}`,
    sections,
    footer: `${s.controller} — ${r.ref}`,
  };
}

/** The letter as PDF bytes (rendered in a working folder of Custodian's own, removed after). */
export async function renderLetter(ctx: Ctx, r: RequestRow, pkg: LetterPackage | null, atMs: number): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'custodian-letter-'));
  try {
    const file = path.join(dir, 'letter.pdf');
    await renderPdf(letterDoc(ctx, r, pkg, atMs), file);
    return await readFile(file);
  } finally {
    await removeWorkingFolder(dir);
  }
}
