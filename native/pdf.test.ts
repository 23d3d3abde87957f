import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEJAVU_SANS, renderPdf, type PdfDoc } from './pdf.js';

// Needs poppler-utils (pdftoppm, pdftotext, pdfinfo): apt-get install -y poppler-utils
const dir = mkdtempSync(join(tmpdir(), 'custodian-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Renders page `page` of a PDF to a grayscale PGM and returns the share of non-white pixels. */
function inkShare(pdf: string, page: number): number {
  const prefix = join(dir, `render-${page}-${Math.random().toString(36).slice(2)}`);
  execFileSync('pdftoppm', ['-gray', '-r', '40', '-f', String(page), '-l', String(page), pdf, prefix]);
  const file = readdirSync(dir).map((f) => join(dir, f)).find((f) => f.startsWith(prefix) && f.endsWith('.pgm'));
  expect(file, 'pdftoppm wrote a page image').toBeDefined();
  const bytes = readFileSync(file as string);
  // Binary PGM: "P5\n<w> <h>\n<max>\n" then w*h bytes.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(bytes.subarray(0, 64).toString('latin1'));
  expect(header).not.toBeNull();
  const [, w, h] = header as RegExpExecArray;
  const pixels = bytes.subarray(bytes.length - Number(w) * Number(h));
  let dark = 0;
  for (const p of pixels) if (p < 200) dark++;
  return dark / pixels.length;
}

function pages(pdf: string): number {
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  return Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
}

function text(pdf: string): string {
  return execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
}

const receipt: PdfDoc = {
  title: 'Överlämningskvitto – bevismaterial',
  subtitle: 'Ärende 2026-ÅÄÖ-17 · Säkerhetsavdelningen',
  sections: [
    {
      heading: 'Händelse',
      paragraphs: ['Misstänkt stöld från förråd på plan två. Materialet lämnas över till Polismyndigheten för förundersökning.'],
    },
    {
      heading: 'Klipp',
      table: {
        columns: ['Kamera', 'Start', 'Slut', 'SHA-256'],
        rows: [['Entré öst', '2026-11-25 14:30:00', '2026-11-25 14:35:00', 'a'.repeat(64)]],
      },
    },
    { heading: 'Underskrifter', signatureLines: ['Överlämnat av', 'Mottaget av'] },
  ],
  footer: 'Custodian · SOS Alarm Sverige AB',
};

describe('renderPdf', () => {
  it('writes an A4 PDF with Swedish text that renders and reads back as written', async () => {
    const out = join(dir, 'receipt.pdf');
    await renderPdf(receipt, out);
    expect(statSync(out).size).toBeGreaterThan(1000);
    const info = execFileSync('pdfinfo', [out], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    // The font is embedded: pdffonts lists DejaVu as embedded ("yes" in the emb column).
    if (existsSync(DEJAVU_SANS)) expect(execFileSync('pdffonts', [out], { encoding: 'utf8' })).toMatch(/DejaVuSans\S*\s+CID TrueType\s+Identity-H\s+yes/);
    const share = inkShare(out, 1);
    expect(share).toBeGreaterThan(0.005); // text, a table and signature lines: clearly not blank
    expect(share).toBeLessThan(0.5);
    const t = text(out);
    expect(t).toContain('Överlämningskvitto');
    expect(t).toContain('Ärende 2026-ÅÄÖ-17');
    expect(t).toContain('Entré öst');
    expect(t).toContain('Mottaget av');
    expect(t).toMatch(/\b1\s*\/\s*1\b/);
    expect(t).toContain('SOS Alarm Sverige AB');
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('breaks a long table over pages, repeats its header and numbers every page', async () => {
    const out = join(dir, 'long.pdf');
    const rows = Array.from({ length: 150 }, (_, i) => [`Kamera ${i + 1}`, `rad ${i + 1} – gallrad enligt policyn (2 månader)`, String(i * 7)]);
    await renderPdf({ title: 'Gallringslogg', sections: [{ heading: 'Raderade inspelningar', table: { columns: ['Kamera', 'Händelse', 'Antal'], rows } }], footer: 'Sidfot' }, out);
    const n = pages(out);
    expect(n).toBeGreaterThanOrEqual(3);
    const t = text(out);
    for (let p = 1; p <= n; p++) expect(t).toMatch(new RegExp(`\\b${p}\\s*/\\s*${n}\\b`));
    expect(t).toContain('Kamera 1 ');
    expect(t).toContain('Kamera 150');
    // The header row is printed again on every page of the table.
    expect(t.split('Händelse').length - 1).toBeGreaterThanOrEqual(n);
    for (let p = 1; p <= n; p++) expect(inkShare(out, p)).toBeGreaterThan(0.005);
  });

  it('cuts a cell longer than a page instead of looping or overflowing', async () => {
    const out = join(dir, 'huge-cell.pdf');
    const huge = 'Mycket lång motivering. '.repeat(3000);
    await renderPdf({ title: 'Test', sections: [{ heading: 'Tabell', table: { columns: ['A', 'B'], rows: [['1', huge], ['2', 'kort']] } }] }, out);
    expect(pages(out)).toBeLessThanOrEqual(3);
    expect(text(out)).toContain('kort');
  });

  it('falls back to Helvetica when the font file is absent, still rendering å ä ö', async () => {
    const out = join(dir, 'fallback.pdf');
    await renderPdf({ title: 'Åtgärder för överlämning', sections: [{ heading: 'Översikt', paragraphs: ['Gällande rutin.'] }] }, out, {
      fontFile: join(dir, 'no-such-font.ttf'),
    });
    expect(execFileSync('pdffonts', [out], { encoding: 'utf8' })).toContain('Helvetica');
    expect(text(out)).toContain('Åtgärder för överlämning');
    expect(inkShare(out, 1)).toBeGreaterThan(0.002);
  });
});
