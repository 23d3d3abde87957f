import { describe, expect, it } from 'vitest';
import { hasKey } from '../../common/i18n/catalog.js';
import { fact, verdictOf } from './facts.js';

describe('verdicts from facts', () => {
  it('any deviation is "not held", else anything unchecked is "incomplete", else "held"', () => {
    const ok = fact('p4.cameras.ok', { count: 1 }, 'ok');
    const info = fact('p4.packages.none', {}, 'info');
    const unchecked = fact('p4.packages.unchecked', { count: 1 }, 'unchecked');
    const deviation = fact('p4.cameras.unzoned', { count: 1, of: 2 }, 'deviation');
    expect(verdictOf('P4', [ok, info]).status).toBe('held');
    expect(verdictOf('P4', [ok, unchecked]).status).toBe('incomplete');
    expect(verdictOf('P4', [ok, unchecked, deviation])).toMatchObject({ status: 'not-held', held: false });
    expect(verdictOf('P4', [ok]).held).toBe(true);
  });
});

describe('the catalogue has a sentence for every fact the report can state', () => {
  it('including the ones whose key is built from a code', () => {
    const built = [
      ...['overdue-at-index', 'no-sweep', 'unexplained'].map((c) => `p2.cause.${c}`),
      ...['offline', 'offline-seen', 'alarm', 'deferred'].map((k) => `p2.pause.${k}`),
      ...['visitor-for-hr', 'mixed-unmasked-for-hr'].map((d) => `p4.rules.${d}`),
      ...['visitor-for-hr', 'mixed-unmasked-for-hr', 'unknown-zone', 'manifest-changed', 'wrong-audience'].map((d) => `p4.package.${d}`),
      ...['wrong-folder', 'found-elsewhere', 'unknown-file'].map((d) => `p4.clip.${d}`),
      ...['archive', 'package', 'work'].map((w) => `p5.remaining.${w}`),
      ...['gone', 'no-tools'].map((w) => `p7.package.unchecked-${w}`),
      ...['overdue-at-index', 'offline', 'alarm', 'deferred', 'no-sweep', 'unexplained'].map((c) => `cause.${c}`),
      ...['held', 'not-held', 'incomplete'].map((x) => `status.${x}`),
      ...['P2', 'P4', 'P5', 'P7', 'G1'].map((x) => `clause.${x}`),
    ];
    expect(built.filter((k) => !hasKey(`report:${k}`))).toEqual([]);
  });
});
