/**
 * The tests' own RFC 4180 reader (quoted cells, doubled quotes, newlines inside quotes): an
 * oracle independent of the product's CSV writer, to see each cell as a spreadsheet would.
 * `sep` is the separator the spreadsheet splits on: "," by default, ";" as Excel with Swedish
 * settings does. `quoteAnywhere: false` honours a quote only at the start of a field, as Excel
 * does (a quote in the middle of a field is a plain character there), which is what a ","-quoted
 * cell meets when it is read split on ";".
 */
export function csvCells(text: string, sep = ',', opts: { quoteAnywhere?: boolean } = {}): string[][] {
  const anywhere = opts.quoteAnywhere ?? true;
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
      continue;
    }
    if (ch === '"' && (anywhere || fieldStart)) quoted = true;
    else if (ch === sep) {
      row.push(cell);
      cell = '';
      fieldStart = true;
      continue;
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      fieldStart = true;
      continue;
    } else cell += ch;
    fieldStart = false;
  }
  return rows;
}

/** A cell a spreadsheet would run as a formula (or as a DDE/command line). */
export const startsFormula = (cell: string): boolean => /^[=+\-@\t\r]/.test(cell);
