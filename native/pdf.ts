/**
 * A small document model rendered to PDF with pdfkit: handover receipts and the DPO's compliance
 * report. A4, DejaVu Sans embedded (so å ä ö and any other Latin text render the same on every
 * reader; Helvetica if the font is not installed), tables that continue on the next page with
 * their header repeated, "page n / N" on every page.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { removeWorkingFile } from './own-files.js';
import { dirname, join, basename } from 'node:path';

export interface PdfTable {
  columns: string[];
  rows: string[][];
}

export interface PdfSection {
  heading: string;
  paragraphs?: string[];
  table?: PdfTable;
  /** Labels under empty lines to sign on, e.g. "Överlämnat av / Handed over by". */
  signatureLines?: string[];
}

export interface PdfDoc {
  title: string;
  subtitle?: string;
  sections: PdfSection[];
  /** Printed at the bottom of every page, beside the page number. */
  footer?: string;
}

const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
export const DEJAVU_SANS = join(FONT_DIR, 'DejaVuSans.ttf');
const DEJAVU_SANS_BOLD = join(FONT_DIR, 'DejaVuSans-Bold.ttf');

const MARGIN = { top: 56, bottom: 64, left: 56, right: 56 };
const CELL_PAD = 4;
const TEXT_SIZE = 10;
const TABLE_SIZE = 9;

type Doc = PDFKit.PDFDocument;

interface Fonts {
  regular: string;
  bold: string;
}

function setupFonts(doc: Doc, fontFile: string | undefined): Fonts {
  const regularFile = fontFile ?? DEJAVU_SANS;
  if (!existsSync(regularFile)) return { regular: 'Helvetica', bold: 'Helvetica-Bold' };
  doc.registerFont('body', regularFile);
  const boldFile = fontFile === undefined && existsSync(DEJAVU_SANS_BOLD) ? DEJAVU_SANS_BOLD : regularFile;
  doc.registerFont('body-bold', boldFile);
  return { regular: 'body', bold: 'body-bold' };
}

function contentWidth(doc: Doc): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

function pageBottom(doc: Doc): number {
  return doc.page.height - doc.page.margins.bottom;
}

/** Starts a new page unless `height` more points fit on this one. */
function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > pageBottom(doc)) doc.addPage();
}

/** Column widths from the content (header and a sample of rows), scaled to the page width. */
function columnWidths(doc: Doc, table: PdfTable, fonts: Fonts, width: number): number[] {
  const n = table.columns.length;
  const natural = table.columns.map((c, i) => {
    doc.font(fonts.bold).fontSize(TABLE_SIZE);
    let w = doc.widthOfString(c);
    doc.font(fonts.regular).fontSize(TABLE_SIZE);
    for (const row of table.rows.slice(0, 200)) w = Math.max(w, doc.widthOfString(row[i] ?? ''));
    return w + 2 * CELL_PAD + 1;
  });
  const sum = natural.reduce((a, b) => a + b, 0);
  if (sum <= width) return natural.map((w) => (w * width) / sum);
  // Too wide: columns narrower than a fair share keep their natural width; the others share what
  // is left in proportion to their natural widths (so a long hash column wraps, short ones don't).
  const widths: number[] = new Array<number>(n).fill(0);
  let open = natural.map((_, i) => i);
  let remaining = width;
  for (;;) {
    const share = remaining / open.length;
    const fits = open.filter((i) => (natural[i] ?? 0) <= share);
    if (fits.length === 0 || fits.length === open.length) break;
    for (const i of fits) {
      widths[i] = natural[i] ?? 0;
      remaining -= widths[i] ?? 0;
    }
    open = open.filter((i) => !fits.includes(i));
  }
  const openSum = open.reduce((a, i) => a + (natural[i] ?? 0), 0) || 1;
  for (const i of open) widths[i] = ((natural[i] ?? 0) * remaining) / openSum;
  return widths;
}

function drawRow(doc: Doc, cells: string[], widths: number[], y: number, height: number, font: string, shade: boolean): void {
  const left = doc.page.margins.left;
  const total = widths.reduce((a, b) => a + b, 0);
  if (shade) doc.save().rect(left, y, total, height).fill('#eeeeee').restore();
  doc.save().lineWidth(0.5).strokeColor('#999999').rect(left, y, total, height).stroke().restore();
  let x = left;
  doc.font(font).fontSize(TABLE_SIZE).fillColor('#000000');
  widths.forEach((w, i) => {
    if (i > 0) doc.save().lineWidth(0.5).strokeColor('#999999').moveTo(x, y).lineTo(x, y + height).stroke().restore();
    doc.text(cells[i] ?? '', x + CELL_PAD, y + CELL_PAD, { width: w - 2 * CELL_PAD, height: height - 2 * CELL_PAD, ellipsis: true, lineBreak: true });
    x += w;
  });
  doc.x = left;
  doc.y = y + height;
}

function rowHeight(doc: Doc, cells: string[], widths: number[], font: string): number {
  doc.font(font).fontSize(TABLE_SIZE);
  const h = widths.reduce((m, w, i) => Math.max(m, doc.heightOfString(cells[i] ?? '', { width: w - 2 * CELL_PAD })), doc.currentLineHeight());
  return h + 2 * CELL_PAD;
}

function drawTable(doc: Doc, table: PdfTable, fonts: Fonts): void {
  if (table.columns.length === 0) return;
  const widths = columnWidths(doc, table, fonts, contentWidth(doc));
  const headerH = rowHeight(doc, table.columns, widths, fonts.bold);
  // A row never taller than what fits on an empty page below the header; longer text is cut with "…".
  const maxRowH = pageBottom(doc) - doc.page.margins.top - headerH - 1;
  const header = (): void => drawRow(doc, table.columns, widths, doc.y, headerH, fonts.bold, true);
  const firstH = table.rows[0] === undefined ? 0 : Math.min(maxRowH, rowHeight(doc, table.rows[0], widths, fonts.regular));
  ensureSpace(doc, headerH + firstH);
  header();
  for (const row of table.rows) {
    const h = Math.min(maxRowH, rowHeight(doc, row, widths, fonts.regular));
    if (doc.y + h > pageBottom(doc)) {
      doc.addPage();
      header();
    }
    drawRow(doc, row, widths, doc.y, h, fonts.regular, false);
  }
  doc.moveDown(0.8);
}

const SIGNATURE_H = 60;

/** The height of what must stay on the same page as a section's heading. */
function firstBlockHeight(doc: Doc, s: PdfSection, fonts: Fonts, width: number): number {
  const first = s.paragraphs?.[0];
  if (first !== undefined) {
    doc.font(fonts.regular).fontSize(TEXT_SIZE);
    return Math.min(doc.heightOfString(first, { width }), 4 * doc.currentLineHeight(true));
  }
  if (s.table !== undefined && s.table.columns.length > 0) {
    const widths = columnWidths(doc, s.table, fonts, width);
    const row = s.table.rows[0];
    return rowHeight(doc, s.table.columns, widths, fonts.bold) + (row === undefined ? 0 : Math.min(rowHeight(doc, row, widths, fonts.regular), 120));
  }
  if (s.signatureLines !== undefined) return Math.min(s.signatureLines.length, 4) * SIGNATURE_H;
  return 0;
}

function drawSignatureLines(doc: Doc, labels: string[], fonts: Fonts): void {
  const left = doc.page.margins.left;
  const lineW = Math.min(260, contentWidth(doc));
  ensureSpace(doc, Math.min(labels.length, 4) * SIGNATURE_H); // a short block of lines stays together
  for (const label of labels) {
    ensureSpace(doc, SIGNATURE_H);
    const y = doc.y + 34;
    doc.save().lineWidth(0.7).strokeColor('#000000').moveTo(left, y).lineTo(left + lineW, y).stroke().restore();
    doc.font(fonts.regular).fontSize(TEXT_SIZE - 1).fillColor('#333333').text(label, left, y + 4, { width: lineW });
    doc.fillColor('#000000');
    doc.moveDown(0.8);
  }
}

function drawFooters(doc: Doc, footer: string | undefined, fonts: Fonts): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const savedBottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing inside the bottom margin must not start a new page
    const y = doc.page.height - savedBottom + 22;
    const left = doc.page.margins.left;
    const width = contentWidth(doc);
    const pageLabel = `${i - range.start + 1} / ${range.count}`;
    doc.font(fonts.regular).fontSize(8).fillColor('#555555');
    const labelW = doc.widthOfString(pageLabel);
    if (footer !== undefined && footer !== '') {
      doc.text(footer, left, y, { width: width - labelW - 12, height: 20, ellipsis: true, lineBreak: false });
    }
    doc.text(pageLabel, left + width - labelW, y, { width: labelW + 1, lineBreak: false });
    doc.page.margins.bottom = savedBottom;
  }
  doc.fillColor('#000000');
}

/**
 * Renders the document to `outFile` (written under a temporary name and renamed when complete).
 * `fontFile` overrides the embedded font (tests use it to check the Helvetica fallback).
 */
export async function renderPdf(doc: PdfDoc, outFile: string, opts: { fontFile?: string } = {}): Promise<void> {
  // Loaded on first use: pdfkit and its fonts cost every command start-up ~150 ms otherwise.
  const { default: PDFDocument } = await import('pdfkit');
  const pdf = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    info: { Title: doc.title, ...(doc.subtitle !== undefined ? { Subject: doc.subtitle } : {}), Creator: 'Custodian' },
  });
  const tmp = join(dirname(outFile), `.${basename(outFile)}.partial-${process.pid}-${Date.now()}`);
  const out = createWriteStream(tmp, { flags: 'wx' });
  const finished = new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('error', reject);
    pdf.once('error', reject);
  });
  pdf.pipe(out);
  try {
    const fonts = setupFonts(pdf, opts.fontFile);
    const width = contentWidth(pdf);
    pdf.font(fonts.bold).fontSize(18).text(doc.title, { width });
    if (doc.subtitle !== undefined) pdf.moveDown(0.2).font(fonts.regular).fontSize(11).fillColor('#444444').text(doc.subtitle, { width }).fillColor('#000000');
    pdf.moveDown(1);
    for (const s of doc.sections) {
      // Keep a heading with the start of what follows it (all of a block of signature lines).
      const below = firstBlockHeight(pdf, s, fonts, width);
      pdf.font(fonts.bold).fontSize(13);
      ensureSpace(pdf, pdf.heightOfString(s.heading, { width }) + 8 + below);
      pdf.text(s.heading, pdf.page.margins.left, pdf.y, { width });
      pdf.moveDown(0.4);
      for (const p of s.paragraphs ?? []) {
        pdf.font(fonts.regular).fontSize(TEXT_SIZE).text(p, pdf.page.margins.left, pdf.y, { width, align: 'left' });
        pdf.moveDown(0.5);
      }
      if (s.table !== undefined) drawTable(pdf, s.table, fonts);
      if (s.signatureLines !== undefined && s.signatureLines.length > 0) drawSignatureLines(pdf, s.signatureLines, fonts);
      pdf.moveDown(0.6);
    }
    drawFooters(pdf, doc.footer, fonts);
    pdf.end();
    await finished;
    await rename(tmp, outFile);
  } catch (e) {
    out.destroy();
    await removeWorkingFile(tmp);
    throw e;
  }
}
