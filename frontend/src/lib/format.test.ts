import { describe, expect, it } from 'vitest';
import { errorField, errorMessage } from './format';

describe('errors from Go', () => {
  it('reads the data a bound method rejects with (research.AsView), and older strings', () => {
    const view = { kind: 'invalid', field: 'max_cost_usd', message: 'The cost cap must not be negative.' };
    expect(errorMessage(view)).toBe('The cost cap must not be negative.');
    expect(errorField(view)).toBe('max_cost_usd');
    expect(errorMessage('plain text')).toBe('plain text');
    expect(errorField('plain text')).toBe('');
    expect(errorMessage(new Error('thrown'))).toBe('thrown');
    expect(errorField({ kind: 'internal' })).toBe('');
    // As Wails' runtime delivers it: an Error whose message is the JSON Go sent.
    const wails = new Error(JSON.stringify(view));
    expect(errorMessage(wails)).toBe('The cost cap must not be negative.');
    expect(errorField(wails)).toBe('max_cost_usd');
    expect(errorMessage(new Error('{not json'))).toBe('{not json');
  });
});
