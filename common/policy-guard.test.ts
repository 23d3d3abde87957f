/** What the policy fixes, and when a change breaks it (the confirmation and the report judge with these). */
import { describe, expect, it } from 'vitest';
import { newRuleDeviations, retentionDeviates, ruleChanges, ruleDeviations } from './policy-guard.js';
import type { AudienceRules } from './settings.js';

const POLICY: AudienceRules = {
  police: { staff: 'include', visitor: 'include', mixed: 'include' },
  hr: { staff: 'include', visitor: 'exclude', mixed: 'mask' },
};

describe('policy guard', () => {
  it('retention deviates from P2 at anything but 2 months', () => {
    expect([1, 2, 3, 12].map(retentionDeviates)).toEqual([true, false, true, true]);
  });
  it("the policy's own rules deviate in nothing", () => {
    expect(ruleDeviations(POLICY).flatMap((r) => r.deviations)).toEqual([]);
  });
  it('HR given visitors, or mixed clips unmasked, breaks P4; stricter rules do not', () => {
    const looser: AudienceRules = { ...POLICY, hr: { staff: 'include', visitor: 'mask', mixed: 'include' } };
    expect(newRuleDeviations(POLICY, looser)).toEqual(['visitor-for-hr', 'mixed-unmasked-for-hr']);
    const stricter: AudienceRules = { ...POLICY, hr: { staff: 'mask', visitor: 'exclude', mixed: 'exclude' } };
    expect(newRuleDeviations(POLICY, stricter)).toEqual([]);
    expect(ruleChanges(POLICY, stricter).map((c) => [c.zone, c.looser])).toEqual([
      ['staff', false],
      ['mixed', false],
    ]);
  });
  it('names only deviations the change adds, not those already there', () => {
    const already: AudienceRules = { ...POLICY, hr: { ...POLICY.hr, visitor: 'include' } };
    const more: AudienceRules = { ...already, hr: { ...already.hr, mixed: 'include' } };
    expect(newRuleDeviations(already, more)).toEqual(['mixed-unmasked-for-hr']);
  });
});
