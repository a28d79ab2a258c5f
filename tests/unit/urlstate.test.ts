import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../../src/lib/urlstate';
import { NO_FILTERS } from '../../src/lib/analysis/filters';

describe('URL state', () => {
  it('round-trips view, filters and settings', () => {
    const s = {
      view: 'waiting', gap: 7, asOf: '2026-09-30', lang: 'en', share: true,
      filters: { ...NO_FILTERS, from: '2026-07-01', to: '2026-09-30', units: ['Vårdcentralen Norr', 'A&B'], genders: ['K'], ageBands: ['61+'] }
    };
    const q = encodeState(s);
    expect(q).toContain('vy=waiting');
    expect(decodeState(q)).toEqual(s);
  });
  it('ignores values that are not valid', () => {
    const d = decodeState('?fran=2026-13&uppehall=300&uttag=igår');
    expect(d.filters.from).toBeNull();
    expect(d.gap).toBeNull();
    expect(d.asOf).toBeNull();
    expect(encodeState({ view: null, filters: NO_FILTERS, gap: null, asOf: null, lang: 'sv', share: false })).toBe('');
  });
});
