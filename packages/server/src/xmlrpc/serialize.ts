import { XmlRpcDateTime, type XmlRpcValue } from './values.js';

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/** Escapes text for element content, dropping characters XML 1.0 cannot carry. */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- these are exactly what must go
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
  );
}

/** The typed element inside a `<value>`. */
function typed(value: XmlRpcValue): string {
  if (value === null) return '<nil/>';
  if (typeof value === 'string') return `<string>${escapeXml(value)}</string>`;
  if (typeof value === 'boolean') return `<boolean>${value ? 1 : 0}</boolean>`;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX)
      return `<int>${value}</int>`;
    // Integers beyond i4 have no XML-RPC integer type (WordPress sends large ids as strings).
    return `<double>${Number.isFinite(value) ? value : 0}</double>`;
  }
  if (value instanceof XmlRpcDateTime)
    return `<dateTime.iso8601>${value.toString()}</dateTime.iso8601>`;
  if (Buffer.isBuffer(value)) return `<base64>${value.toString('base64')}</base64>`;
  if (Array.isArray(value))
    return `<array><data>\n${value.map((v) => `  ${serializeValue(v)}\n`).join('')}</data></array>`;
  const members = Object.entries(value)
    .map(([name, v]) => `  <member><name>${escapeXml(name)}</name>${serializeValue(v)}</member>\n`)
    .join('');
  return `<struct>\n${members}</struct>`;
}

/** One `<value>`, laid out as WordPress's IXR writes it. */
export function serializeValue(value: XmlRpcValue): string {
  return `<value>${typed(value)}</value>`;
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function methodResponse(value: XmlRpcValue): string {
  return `${DECLARATION}<methodResponse>
  <params>
    <param>
      <value>
      ${typed(value)}
      </value>
    </param>
  </params>
</methodResponse>`;
}

/** A fault document, byte for byte as WordPress writes it. */
export function faultResponse(code: number, message: string): string {
  return `${DECLARATION}<methodResponse>
  <fault>
    <value>
      <struct>
        <member>
          <name>faultCode</name>
          <value><int>${code}</int></value>
        </member>
        <member>
          <name>faultString</name>
          <value><string>${escapeXml(message)}</string></value>
        </member>
      </struct>
    </value>
  </fault>
</methodResponse>`;
}
