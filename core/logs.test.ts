import { describe, expect, it } from 'vitest';
import { toCsv } from './logs.js';

/** A CSV reader of its own (RFC 4180: quoted cells, doubled quotes, newlines inside quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  return rows;
}

describe('the CSV the DPO opens in a spreadsheet', () => {
  it('never starts a cell with = + - @ tab or CR, and keeps the text otherwise as it was', () => {
    const nasty = ['=HYPERLINK("http://evil.example","click")', '+SUM(A1:A9)', '-2+3', '@SUM(1)', '\t=1+1', '\r=1+1', 'plain, with "quotes"\nand a newline', '', '2026-11-25T10:00:00+01:00'];
    const rows = nasty.map((v, i) => ({ id: i, path: v, reason: v }));
    const parsed = parseCsv([...toCsv(rows, ['id', 'path', 'reason'])].join(''));
    expect(parsed[0]).toEqual(['id', 'path', 'reason']);
    for (const [i, v] of nasty.entries()) {
      const cells = parsed[i + 1] as string[];
      for (const c of cells) expect(/^[=+\-@\t\r]/.test(c), JSON.stringify(c)).toBe(false);
      // What the spreadsheet shows as text is the original, after the apostrophe it drops.
      expect(cells[1]).toBe(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
    }
  });
});
