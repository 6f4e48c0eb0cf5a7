import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.js';
import { validateArgs } from './args.js';

const fail = (fn: () => unknown): HttpError => {
  try {
    fn();
  } catch (e) {
    return e as HttpError;
  }
  throw new Error('expected a failure');
};

describe('validateArgs', () => {
  it('lists every missing required parameter', () => {
    const e = fail(() =>
      validateArgs(
        { a: { type: 'string', required: true }, b: { type: 'string', required: true } },
        {},
      ),
    );
    expect([e.status, e.code, e.message, e.data]).toEqual([
      400,
      'rest_missing_callback_param',
      'Missing parameter(s): a, b',
      { params: ['a', 'b'] },
    ]);
  });
  it('coerces query strings and applies defaults', () => {
    expect(
      validateArgs(
        {
          n: { type: 'integer' },
          f: { type: 'boolean' },
          l: { type: 'array', items: { type: 'string' } },
          d: { type: 'string', default: 'view' },
        },
        { n: '5', f: 'true', l: 'a,b' },
      ),
    ).toEqual({ n: 5, f: true, l: ['a', 'b'], d: 'view' });
  });
  it('reports invalid parameters with details', () => {
    const e = fail(() =>
      validateArgs(
        { c: { type: 'string', enum: ['view', 'edit'] }, n: { type: 'integer', minimum: 1 } },
        { c: 'x', n: '1.5' },
      ),
    );
    expect(e.code).toBe('rest_invalid_param');
    expect(Object.keys(e.data.params as object)).toEqual(['c', 'n']);
    expect((e.data.details as Record<string, { code: string }>).c!.code).toBe('rest_not_in_enum');
  });
  it('accepts union types', () => {
    expect(validateArgs({ v: { type: ['integer', 'null'] } }, { v: null })).toEqual({ v: null });
    expect(validateArgs({ v: { type: ['integer', 'null'] } }, { v: '3' })).toEqual({ v: 3 });
  });
  it('refuses non-strings where a string belongs, and applies a pattern', () => {
    const spec = { name: { type: 'string', pattern: '.*\\S.*' } } as const;
    for (const value of [123, true, {}, ['a']]) {
      const e = fail(() => validateArgs(spec, { name: value }));
      expect(e.data.details).toEqual({
        name: { code: 'rest_invalid_type', message: 'name is not of type string.', data: null },
      });
    }
    const e = fail(() => validateArgs(spec, { name: '  ' }));
    expect(e.data.details).toEqual({
      name: {
        code: 'rest_invalid_pattern',
        message: 'name does not match pattern .*\\S.*.',
        data: null,
      },
    });
    expect(validateArgs(spec, { name: ' a ' })).toEqual({ name: ' a ' });
  });
});
