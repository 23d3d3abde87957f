/** What the report tests check of every report: its facts can be said, in Swedish and English. */
import { expect } from 'vitest';
import type { ComplianceReportView } from '../common/api/report.js';
import { hasKey, translator } from '../common/i18n/catalog.js';

/** Every fact of a report has a sentence in both languages, with every parameter filled in. */
export function expectWords(r: ComplianceReportView): void {
  for (const v of r.verdicts) {
    for (const f of v.facts) {
      expect(hasKey(f.key), f.key).toBe(true);
      for (const lang of ['sv', 'en'] as const) {
        const text = translator(lang)(f.key, f.params);
        expect(text, `${lang} ${f.key}`).not.toMatch(/\{\{|\$t\(|report:/);
      }
    }
  }
}
