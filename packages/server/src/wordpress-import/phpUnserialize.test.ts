import { describe, expect, it } from 'vitest';
import { PhpUnserializeError, looksSerialized, phpList, unserializePhp } from './phpUnserialize.js';

describe('unserializePhp', () => {
  it('reads the scalars PHP writes', () => {
    expect(unserializePhp('N;')).toBeNull();
    expect(unserializePhp('b:1;')).toBe(true);
    expect(unserializePhp('b:0;')).toBe(false);
    expect(unserializePhp('i:-42;')).toBe(-42);
    expect(unserializePhp('i:1796161856;')).toBe(1796161856);
    expect(unserializePhp('d:0.5;')).toBe(0.5);
    expect(unserializePhp('d:-1.5E+3;')).toBe(-1500);
    expect(unserializePhp('s:0:"";')).toBe('');
    expect(unserializePhp('s:5:"a"b;c";')).toBe('a"b;c');
  });

  it('counts string lengths in UTF-8 bytes', () => {
    // "Zoë" is 4 bytes; "🔐" is 4 bytes.
    expect(unserializePhp('s:4:"Zoë";')).toBe('Zoë');
    expect(unserializePhp('s:4:"🔐";')).toBe('🔐');
    expect(() => unserializePhp('s:3:"Zoë";')).toThrow(PhpUnserializeError);
    expect(() => unserializePhp('s:5:"Zoë";')).toThrow(/closing quote/);
  });

  it('reads the arrays WordPress stores (roles, providers, application passwords)', () => {
    const caps = unserializePhp('a:1:{s:6:"editor";b:1;}');
    expect(caps).toEqual(new Map([['editor', true]]));
    const providers = unserializePhp(
      'a:2:{i:0;s:15:"Two_Factor_Totp";i:1;s:23:"Two_Factor_Backup_Codes";}',
    );
    expect(phpList(providers)).toEqual(['Two_Factor_Totp', 'Two_Factor_Backup_Codes']);
    const records = unserializePhp(
      'a:1:{i:0;a:7:{s:4:"uuid";s:36:"39632911-f0f0-4743-a8f9-31f44cd0e946";s:6:"app_id";s:0:"";s:4:"name";s:14:"Desktop editor";s:8:"password";s:34:"$P$Beg7vQ/Zi9eb7dMQAYmgWltpOHEI140";s:7:"created";i:1796161856;s:9:"last_used";N;s:7:"last_ip";N;}}',
    );
    const first = phpList(records)![0] as Map<string, unknown>;
    expect(Object.fromEntries(first)).toEqual({
      uuid: '39632911-f0f0-4743-a8f9-31f44cd0e946',
      app_id: '',
      name: 'Desktop editor',
      password: '$P$Beg7vQ/Zi9eb7dMQAYmgWltpOHEI140',
      created: 1796161856,
      last_used: null,
      last_ip: null,
    });
    expect(unserializePhp('a:0:{}')).toEqual(new Map());
  });

  it('refuses objects, references and custom serializations', () => {
    expect(() => unserializePhp('O:8:"stdClass":0:{}')).toThrow(/refused type "O"/);
    expect(() => unserializePhp('C:11:"ArrayObject":0:{}')).toThrow(/refused type "C"/);
    expect(() => unserializePhp('a:2:{i:0;s:1:"x";i:1;r:2;}')).toThrow(/refused type "r"/);
    expect(() => unserializePhp('a:1:{i:0;R:1;}')).toThrow(/refused type "R"/);
    expect(() => unserializePhp('E:7:"Foo:Bar";')).toThrow(/refused type "E"/);
    expect(() => unserializePhp('a:1:{i:0;O:8:"stdClass":0:{}}')).toThrow(PhpUnserializeError);
  });

  it('refuses malformed values with a stable code and the offset', () => {
    for (const bad of [
      '',
      'x',
      's:10:"short";',
      'a:2:{i:0;s:1:"a";}',
      'a:1:{i:0;s:1:"a";',
      'a:1:{d:0.5;s:1:"a";}',
      'a:2:{i:0;b:1;i:0;b:0;}',
      'b:2;',
      'i:1.5;',
      'i:99999999999999999999;',
      'd:INF;',
      'd:NAN;',
      's:1:"a"',
      'N;N;',
      'i:1;trailing',
    ]) {
      let caught: unknown;
      try {
        unserializePhp(bad);
      } catch (error) {
        caught = error;
      }
      expect(caught, bad).toBeInstanceOf(PhpUnserializeError);
      expect((caught as PhpUnserializeError).code).toBe('php_value_malformed');
      expect((caught as PhpUnserializeError).offset).toBeGreaterThanOrEqual(0);
    }
  });

  it('never puts any part of the value in its messages, only the kind of problem and the offset', () => {
    // Messages reach the import summary and --json; these values hold password hashes.
    const HASH = '$P$BTd1I2SbhH4tQgyQSQWAFu8gIRu2AA1';
    const WP68 = '$wp$2y$10$R1l8RocW4KRbcSC7Z0DSMeJzbWqD.zvt/Df.epMZt/3EpmqaKvyFe';
    const cases: Array<[string, RegExp]> = [
      [`i:${HASH};`, /^not an integer \(at byte 2\)$/],
      [`a:1:{i:0;i:${HASH};}`, /^not an integer \(at byte \d+\)$/],
      [`d:${HASH};`, /^not a finite float \(at byte \d+\)$/],
      [`b:${HASH};`, /^boolean must be 0 or 1 \(at byte \d+\)$/],
      [`a:2:{s:34:"${HASH}";b:1;s:34:"${HASH}";b:1;}`, /^duplicate array key \(at byte \d+\)$/],
      [`a:2:{i:7;s:34:"${HASH}";i:7;s:34:"${HASH}";}`, /^duplicate array key \(at byte \d+\)$/],
      [`a:1:{i:0;${HASH}}`, /^expected ":" after the type \(at byte 10\)$/],
      [`a:1:{i:0;x:${HASH}}`, /^unknown type \(only N, b, i, d, s and a are read\) \(at byte 9\)$/],
      [`${WP68};`, /^expected ":" after the type \(at byte 1\)$/],
      [`i:${WP68}`, /^unterminated integer \(at byte 2\)$/],
      [
        `a:1:{i:0;s:34:"${HASH}";${HASH}`,
        /^expected "\}" after the counted elements \(at byte \d+\)$/,
      ],
      [`s:${HASH}:"x";`, /^bad length/],
    ];
    for (const [bad, message] of cases) {
      let caught: unknown;
      try {
        unserializePhp(bad);
      } catch (error) {
        caught = error;
      }
      expect(caught, bad).toBeInstanceOf(PhpUnserializeError);
      const text = (caught as Error).message;
      expect(text, bad).toMatch(message);
      // Not even a part of a hash: no run of 6 characters from one.
      for (const hash of [HASH, WP68])
        for (let i = 0; i + 6 <= hash.length; i++)
          expect(text, bad).not.toContain(hash.slice(i, i + 6));
    }
  });

  it('refuses arrays nested deeper than any WordPress value', () => {
    const deep = 'a:1:{i:0;'.repeat(40) + 'N;' + '}'.repeat(40);
    expect(() => unserializePhp(deep)).toThrow(/nested too deeply/);
    const fine = 'a:1:{i:0;'.repeat(10) + 'N;' + '}'.repeat(10);
    expect(unserializePhp(fine)).toBeInstanceOf(Map);
  });

  it('refuses strings that are not UTF-8', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('s:1:"'), 0xff, 0x22, 0x3b]);
    expect(() => unserializePhp(bytes)).toThrow(/not UTF-8/);
  });
});

describe('looksSerialized', () => {
  it('tells serialized meta from plain strings', () => {
    expect(looksSerialized('a:0:{}')).toBe(true);
    expect(looksSerialized('N;')).toBe(true);
    expect(looksSerialized('Two_Factor_Totp')).toBe(false);
    expect(looksSerialized('EFPDWP3XPRVSYTTIHJBTAL3INJZWIIZN')).toBe(false);
  });
});
