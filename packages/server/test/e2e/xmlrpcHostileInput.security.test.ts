import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMethodResponse } from '../../src/xmlrpc/parse.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { methodCall, postFault, postXml, rpc } from '../helpers/xmlrpc.js';

/**
 * XML bombs, external entities, deep nesting and oversize bodies: the XML-RPC reader
 * (xmlrpc/parse.ts, behind the endpoint's body limit) refuses them before doing the work they
 * ask for, with a fault and never a 5xx.
 */
describe.each(STORES)('XML-RPC refuses hostile XML, SPEC §8 ($name)', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  it('billion laughs is refused before any expansion', async () => {
    const lol = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<methodCall><methodName>demo.sayHello</methodName><params><param><value>&lol9;</value></param></params></methodCall>`;
    const started = Date.now();
    await postFault(server, lol, -32700);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('external entities are refused and nothing is read', async () => {
    const xxe = `<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<methodCall><methodName>wp.getUsersBlogs</methodName><params><param><value>&xxe;</value></param><param><value>x</value></param></params></methodCall>`;
    const text = await postFault(server, xxe, -32700);
    expect(text).not.toContain('root:');
    // Without a DTD, an undeclared entity is an error too (never passed through).
    await postFault(
      server,
      methodCall('demo.sayHello', []).replace('demo.sayHello', 'demo.&xxe;'),
      -32700,
    );
    // A lowercase or spaced doctype is a doctype all the same.
    await postFault(server, `<?xml version="1.0"?><!doctype x><methodCall/>`, -32700);
  });

  it('deep nesting is refused', async () => {
    const nest = (n: number) =>
      '<value><array><data>'.repeat(n) + '</data></array></value>'.repeat(n);
    const ok = await rpc(server, 'demo.sayHello');
    expect('value' in ok).toBe(true);
    const deep = `<?xml version="1.0"?><methodCall><methodName>demo.sayHello</methodName><params><param>${nest(40)}</param></params></methodCall>`;
    await postFault(server, deep, -32600);
    const deeper = `<?xml version="1.0"?><methodCall><methodName>demo.sayHello</methodName><params><param>${nest(20_000)}</param></params></methodCall>`;
    await postFault(server, deeper, -32600);
    // 30 levels are fine.
    const fine = `<?xml version="1.0"?><methodCall><methodName>demo.sayHello</methodName><params><param>${nest(30)}</param></params></methodCall>`;
    expect(parseMethodResponse((await postXml(server, fine)).text)).toEqual({ value: 'Hello!' });
  });

  it('an oversize body is a fault, not a 413 page', async () => {
    const big = methodCall('demo.sayHello', ['x'.repeat(server.config.bodyLimitBytes)]);
    const text = await postFault(server, big, -32700);
    expect(text).toContain('larger than');
  });
});
