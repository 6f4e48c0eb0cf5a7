import { describe, expect, it } from 'vitest';
import { searchWords } from './search.js';

describe('searchWords', () => {
  it('splits a phrase into distinct words, each of which must match', () => {
    expect(searchWords('  wombat   burrows wombat ')).toEqual(['wombat', 'burrows']);
    expect(searchWords('one')).toEqual(['one']);
    expect(searchWords('   ')).toEqual([]);
  });

  it('searches a long phrase whole, as WordPress does beyond nine words', () => {
    const phrase = 'a b c d e f g h i j';
    expect(searchWords(phrase)).toEqual([phrase]);
    expect(searchWords('a b c d e f g h i')).toHaveLength(9);
  });
});
