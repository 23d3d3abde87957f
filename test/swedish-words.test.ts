/**
 * The detector the Swedish screen and document tests use, checked against the catalogue itself:
 * it must find every English sentence the catalogue has (rendered with sample parameters) and
 * must find nothing in any Swedish one. (The oracle here is the catalogue's two languages, not
 * the detector's own lists.)
 */
import { describe, expect, it } from 'vitest';
import { resources, translator } from '../common/i18n/catalog.js';
import { describeFindings, notSwedish, withoutData } from './swedish-words.js';

/** Sample values for a sentence's parameters (numbers where a plural needs one). */
function sample(text: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const m of text.matchAll(/\{\{(\w+)\}\}/g)) out[m[1] as string] = 'X';
  out.count = 2;
  return out;
}

const entries = (lang: 'sv' | 'en'): [string, string][] =>
  Object.entries(resources[lang]).flatMap(([ns, t]) => Object.entries(t).map(([k, v]): [string, string] => [`${ns}:${k.replace(/_(one|other)$/, '')}`, v]));

describe('the not-Swedish detector', () => {
  it('finds nothing in any Swedish sentence of the catalogue', () => {
    const sv = translator('sv');
    const bad: string[] = [];
    for (const [key, text] of entries('sv')) {
      const rendered = withoutData(sv(key, sample(text)));
      // A sentence that shows how to type a time (ISO 8601 written into the catalogue) keeps its example.
      const f = notSwedish(rendered).filter((x) => !(x.kind === 'iso-time' && text.includes(x.what)));
      if (f.length > 0) bad.push(describeFindings(key, f));
    }
    expect(bad.join('\n')).toBe('');
  });

  it('finds every English sentence of the catalogue that is not also Swedish', () => {
    const en = translator('en');
    const sv = translator('sv');
    const missed: string[] = [];
    let checked = 0;
    for (const [key, text] of entries('en')) {
      const params = sample(text);
      const english = en(key, params);
      const swedish = sv(key, params);
      // The same in both (a name, a unit, "{{text}}"), or a word or two: not a sentence.
      if (english === swedish || english.replace(/X|\d/g, '').trim().split(/\s+/).length < 3) continue;
      checked++;
      if (notSwedish(withoutData(english)).length === 0) missed.push(`${key}: ${english}`);
    }
    expect(checked).toBeGreaterThan(500);
    expect(missed).toEqual([]);
  });

  it('finds catalogue keys, record codes and unfilled parameters', () => {
    expect(notSwedish('Händelse alarm.raised av os:root').map((f) => f.kind)).toEqual(['code', 'code']);
    expect(notSwedish('Titel: ui:overview.title').map((f) => f.kind)).toContain('key');
    expect(notSwedish('Rubrik overview.title här').map((f) => f.kind)).toContain('key');
    expect(notSwedish('Hej {{name}}').map((f) => f.kind)).toEqual(['placeholder']);
    expect(notSwedish('Granskas senast 2027-01-01T21:27:24+01:00').map((f) => f.kind)).toEqual(['iso-time']);
    expect(notSwedish('Granskas senast 1 jan. 2027 21:27')).toEqual([]);
    expect(notSwedish('Stängt: handed over to Polismyndigheten').map((f) => f.kind)).toContain('english-word');
    expect(notSwedish('Stängt: överlämnat till Polismyndigheten')).toEqual([]);
  });
});
