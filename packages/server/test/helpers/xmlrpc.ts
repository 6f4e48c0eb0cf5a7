import { spawn, spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { parseMethodResponse, type MethodResponse } from '../../src/xmlrpc/parse.js';
import { escapeXml, serializeValue } from '../../src/xmlrpc/serialize.js';
import type { XmlRpcValue } from '../../src/xmlrpc/values.js';
import type { TestServer } from './server.js';

/** A raw POST to /xmlrpc.php. */
export async function postXml(
  server: TestServer,
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'text/xml' },
) {
  const response = await fetch(`${server.url}/xmlrpc.php`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), text };
}

/**
 * Posts a raw body and expects the fault `code`, answered the XML-RPC way (HTTP 200, text/xml)
 * and never as an error page; returns the response body.
 */
export async function postFault(
  server: TestServer,
  body: string | Buffer,
  code: number,
): Promise<string> {
  const r = await postXml(server, body);
  expect(r.status).toBe(200);
  expect(r.contentType).toBe('text/xml; charset=UTF-8');
  expect(parseMethodResponse(r.text)).toMatchObject({ fault: { faultCode: code } });
  return r.text;
}

export function methodCall(name: string, params: XmlRpcValue[]): string {
  return `<?xml version="1.0"?>\n<methodCall><methodName>${escapeXml(name)}</methodName><params>${params
    .map((p) => `<param>${serializeValue(p)}</param>`)
    .join('')}</params></methodCall>`;
}

/** Calls a method with Latchkey's own serializer; the HTTP status must be 200. */
export async function rpc(
  server: TestServer,
  name: string,
  ...params: XmlRpcValue[]
): Promise<MethodResponse & { status: number; text: string }> {
  const { status, text } = await postXml(server, methodCall(name, params));
  return { status, text, ...parseMethodResponse(text) };
}

/** The value of a successful call (fails the test with the fault otherwise). */
export async function rpcValue(
  server: TestServer,
  name: string,
  ...params: XmlRpcValue[]
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert the shape
): Promise<any> {
  const result = await rpc(server, name, ...params);
  if ('fault' in result)
    throw new Error(`${name}: fault ${result.fault.faultCode} ${result.fault.faultString}`);
  return result.value;
}

export async function rpcFault(server: TestServer, name: string, ...params: XmlRpcValue[]) {
  const result = await rpc(server, name, ...params);
  if (!('fault' in result)) throw new Error(`${name}: expected a fault, got ${result.text}`);
  return result.fault;
}

/**
 * Python's standard `xmlrpc.client`: runs the calls in order against one ServerProxy and
 * returns, for each, `{value}` or `{fault, string}`. `{"$binary": base64}` in a parameter
 * becomes an `xmlrpc.client.Binary`; dates and binaries in results come back as strings.
 */
/** What both Python scripts share: the proxy, and JSON to XML-RPC values and back. */
const PYTHON_PRELUDE = String.raw`
import base64, json, sys, xmlrpc.client
spec = json.load(sys.stdin)
proxy = xmlrpc.client.ServerProxy(spec["url"])
def conv(v):
    if isinstance(v, dict):
        if "$binary" in v:
            return xmlrpc.client.Binary(base64.b64decode(v["$binary"]))
        return {k: conv(x) for k, x in v.items()}
    if isinstance(v, list):
        return [conv(x) for x in v]
    return v
def out(v):
    if isinstance(v, xmlrpc.client.Binary):
        return base64.b64encode(v.data).decode()
    if isinstance(v, xmlrpc.client.DateTime):
        return v.value
    if isinstance(v, dict):
        return {k: out(x) for k, x in v.items()}
    if isinstance(v, list):
        return [out(x) for x in v]
    return v
`;

const PYTHON = String.raw`
${PYTHON_PRELUDE}
results = []
for method, params in spec["calls"]:
    try:
        results.append({"value": out(getattr(proxy, method)(*conv(params)))})
    except xmlrpc.client.Fault as f:
        results.append({"fault": f.faultCode, "string": f.faultString})
print(json.dumps(results))
`;

export interface PythonResult {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert the shape
  value?: any;
  fault?: number;
  string?: string;
}

export function pythonXmlRpc(
  url: string,
  calls: Array<[string, unknown[]]>,
): Promise<PythonResult[]> {
  return runPython(PYTHON, { url, calls });
}

/**
 * python-wordpress-xmlrpc's wire calls, reproduced with Python's `xmlrpc.client` (the library
 * itself is not installable here): its `Client` first asks `mt.supportedMethods` and refuses,
 * without calling, any method missing from that list (`UnsupportedXmlrpcMethodError`); an
 * authenticated method gets `(blog_id, username, password)` first. Each result is
 * `{value}`, `{fault, string}`, or `{unsupported: true}`.
 */
const PYTHON_WORDPRESS = String.raw`
${PYTHON_PRELUDE}
supported = proxy.mt.supportedMethods()
results = []
for call in spec["calls"]:
    method = call["method"]
    if method not in supported:
        results.append({"unsupported": True})
        continue
    args = conv(call.get("args", []))
    if not call.get("anonymous", False):
        args = [0, spec["username"], spec["password"]] + args
    try:
        results.append({"value": out(getattr(proxy, method)(*args))})
    except xmlrpc.client.Fault as f:
        results.append({"fault": f.faultCode, "string": f.faultString})
print(json.dumps(results))
`;

export interface LibraryCall {
  method: string;
  args?: unknown[];
  /** demo.* and the like: no blog id and credentials in front. */
  anonymous?: boolean;
}

export function pythonWordPressXmlRpc(
  url: string,
  credentials: { username: string; password: string },
  calls: LibraryCall[],
): Promise<Array<PythonResult & { unsupported?: boolean }>> {
  return runPython(PYTHON_WORDPRESS, { url, ...credentials, calls });
}

/**
 * The interpreter itself, found once. `python3` on PATH may be a version manager's shim (pyenv's
 * costs ~0.5 s per start, most of a call): a suite that starts Python for every call spent its
 * time there and ran into its timeouts on a loaded machine.
 */
let pythonPath: string | undefined;
function python(): string {
  if (pythonPath === undefined) {
    const found = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], {
      encoding: 'utf8',
    });
    pythonPath = found.status === 0 && found.stdout.trim() ? found.stdout.trim() : 'python3';
  }
  return pythonPath;
}

function runPython<T>(script: string, input: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(python(), ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`python3 exited ${code}: ${stderr}`));
      resolve(JSON.parse(stdout) as T);
    });
    child.stdin.end(JSON.stringify(input));
  });
}
