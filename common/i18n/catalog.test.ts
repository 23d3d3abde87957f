import { describe, expect, it } from 'vitest';
import { failure } from '../errors.js';
import { hasKey, resources, translator } from './catalog.js';

describe('the catalogue', () => {
  it('renders a key with parameters in Swedish and English', () => {
    expect(translator('sv')('core:unexpected', { detail: 'x' })).toBe('Något gick fel: x');
    expect(translator('en')({ key: 'core:unexpected', params: { detail: 'x' } })).toBe('Something went wrong: x');
  });

  it('has the same keys in every language of every namespace', () => {
    for (const ns of Object.keys(resources.sv)) {
      expect(Object.keys(resources.en[ns] ?? {}).sort(), ns).toEqual(Object.keys(resources.sv[ns] ?? {}).sort());
    }
  });

  it('an error made from a key carries it for the faces and English for logs', () => {
    const e = failure('invalid_request', 'core:unexpected', { detail: 'd' });
    expect(e.message).toBe('Something went wrong: d');
    expect(e.msg).toEqual({ key: 'core:unexpected', params: { detail: 'd' } });
    expect(hasKey('core:unexpected')).toBe(true);
    expect(hasKey('core:nope')).toBe(false);
  });
});
