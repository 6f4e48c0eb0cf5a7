import { describe, expect, it } from 'vitest';
import { XmlRpcFault } from './faults.js';
import { MAX_VALUE_DEPTH, parseMethodCall, parseMethodResponse } from './parse.js';
import { faultResponse, methodResponse } from './serialize.js';
import { isStruct, newStruct, parseDateTime, XmlRpcDateTime, type XmlRpcValue } from './values.js';

const call = (value: string) =>
  `<?xml version="1.0"?><methodCall><methodName>m.n</methodName><params><param><value>${value}</value></param></params></methodCall>`;

const faultCode = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof XmlRpcFault) return error.faultCode;
    throw error;
  }
  return undefined;
};

describe('parseMethodCall', () => {
  it('reads every type', () => {
    const { methodName, params } = parseMethodCall(
      Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?>
<methodCall><methodName>a.b</methodName><params>
<param><value><int>-7</int></value></param>
<param><value><i4>8</i4></value></param>
<param><value><boolean>1</boolean></value></param>
<param><value><double>2.5e1</double></value></param>
<param><value><string> s &lt;&amp;&gt; &#65;&#x42; </string></value></param>
<param><value> untyped </value></param>
<param><value><dateTime.iso8601>20260102T03:04:05</dateTime.iso8601></value></param>
<param><value><base64>aGVs
bG8=</base64></value></param>
<param><value><array><data><value><nil/></value><value>x</value></data></array></value></param>
<param><value><struct><member><name>__proto__</name><value>p</value></member></struct></value></param>
<param><value><string><![CDATA[<raw & text>]]></string></value></param>
<param><value/></param>
</params></methodCall>`,
      ),
    );
    expect(methodName).toBe('a.b');
    const [int, i4, bool, double, str, untyped, date, bin, arr, struct, cdata, empty] = params;
    expect([int, i4, bool, double, str, untyped]).toEqual([
      -7,
      8,
      true,
      25,
      ' s <&> AB ',
      ' untyped ',
    ]);
    expect((date as XmlRpcDateTime).toEpoch('UTC')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect((bin as Buffer).toString()).toBe('hello');
    expect(arr).toEqual([null, 'x']);
    expect(isStruct(struct)).toBe(true);
    expect(Object.getPrototypeOf(struct)).toBe(null);
    expect((struct as Record<string, XmlRpcValue>)['__proto__']).toBe('p');
    expect(cdata).toBe('<raw & text>');
    expect(empty).toBe('');
  });

  it('refuses DTDs, unknown entities, control characters and broken XML (-32700)', () => {
    expect(faultCode(() => parseMethodCall('<!DOCTYPE a><methodCall/>'))).toBe(-32700);
    expect(
      faultCode(() => parseMethodCall('<?xml version="1.0"?><!ENTITY a "b"><methodCall/>')),
    ).toBe(-32700);
    expect(faultCode(() => parseMethodCall(call('&nbsp;')))).toBe(-32700);
    expect(faultCode(() => parseMethodCall(call('&#0;')))).toBe(-32700);
    expect(faultCode(() => parseMethodCall(call('a\u0001b')))).toBe(-32700);
    expect(faultCode(() => parseMethodCall('<methodCall>'))).toBe(-32700);
    expect(faultCode(() => parseMethodCall(undefined))).toBe(-32700);
  });

  it(`allows ${MAX_VALUE_DEPTH} nested values and refuses more (-32600)`, () => {
    const nest = (n: number) =>
      '<array><data><value>'.repeat(n - 1) + 'x' + '</value></data></array>'.repeat(n - 1);
    expect(faultCode(() => parseMethodCall(call(nest(MAX_VALUE_DEPTH))))).toBeUndefined();
    expect(faultCode(() => parseMethodCall(call(nest(MAX_VALUE_DEPTH + 1))))).toBe(-32600);
    expect(faultCode(() => parseMethodCall(call(nest(5000))))).toBe(-32600);
  });

  it('refuses values that are not what their type says (-32600)', () => {
    for (const bad of ['<int>1.5</int>', '<boolean>2</boolean>', '<base64>a</base64>', '<x>1</x>'])
      expect(faultCode(() => parseMethodCall(call(bad)))).toBe(-32600);
  });
});

describe('dates', () => {
  it('reads the forms clients send', () => {
    expect(parseDateTime('20260102T03:04:05')?.toString()).toBe('20260102T03:04:05');
    expect(parseDateTime('2026-01-02T03:04:05Z')?.toEpoch('Europe/Paris')).toBe(
      Date.UTC(2026, 0, 2, 3, 4, 5),
    );
    expect(parseDateTime('2026-01-02T03:04:05+0100')?.toEpoch('UTC')).toBe(
      Date.UTC(2026, 0, 2, 2, 4, 5),
    );
    // Without a zone: the given zone's wall clock.
    expect(parseDateTime('20260102T03:04:05')?.toEpoch('Europe/Paris')).toBe(
      Date.UTC(2026, 0, 2, 2, 4, 5),
    );
    expect(parseDateTime('20261302T03:04:05')).toBeUndefined();
  });

  it('reads WordPress’s zero date, which clients echo back for undated drafts, as no date', () => {
    for (const zero of ['00000000T00:00:00', '0000-00-00T00:00:00']) {
      const parsed = parseMethodCall(
        call(
          `<struct><member><name>post_date_gmt</name><value><dateTime.iso8601>${zero}</dateTime.iso8601></value></member></struct>`,
        ),
      );
      expect(parsed.params[0]).toEqual({ post_date_gmt: null });
    }
  });
});

describe('serialize', () => {
  it('round-trips through the response parser', () => {
    const struct = Object.assign(newStruct(), {
      s: 'a <b> & c',
      n: 42,
      big: 2 ** 40,
      t: true,
      list: ['x', 1],
      bytes: Buffer.from('hi'),
    });
    const parsed = parseMethodResponse(methodResponse(struct));
    expect(parsed).toEqual({
      value: {
        s: 'a <b> & c',
        n: 42,
        big: 2 ** 40,
        t: true,
        list: ['x', 1],
        bytes: Buffer.from('hi'),
      },
    });
    expect(parseMethodResponse(faultResponse(403, 'No & no'))).toEqual({
      fault: { faultCode: 403, faultString: 'No & no' },
    });
  });

  it('drops characters XML cannot carry', () => {
    const parsed = parseMethodResponse(methodResponse('a\u0000b\u0007c\ud800d'));
    expect(parsed).toEqual({ value: 'abcd' });
  });
});
