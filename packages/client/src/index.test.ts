import { describe, expect, it } from 'vitest';
import { apiRootFromLinkHeader } from './index.js';

describe('apiRootFromLinkHeader', () => {
  it('finds the API root among several links', () => {
    expect(
      apiRootFromLinkHeader(
        '<https://a.example/?p=1>; rel="shortlink", <https://a.example/wp-json/>; rel="https://api.w.org/"',
      ),
    ).toBe('https://a.example/wp-json/');
  });
  it('returns undefined without the API rel', () => {
    expect(apiRootFromLinkHeader('<https://a.example/feed>; rel="alternate"')).toBeUndefined();
    expect(apiRootFromLinkHeader(null)).toBeUndefined();
  });
});
