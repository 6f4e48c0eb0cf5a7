import { INTERACTIVE_ONLY } from '../accounts/index.js';
/**
 * An XML-RPC fault: answered with HTTP 200 and a `<fault>` body. The negative codes are the
 * interoperability ones (xmlrpc-epi's list, which WordPress's IXR uses); the positive ones are
 * WordPress's HTTP-like codes (401 not permitted, 403 bad credentials, 404 not found, …).
 */
export class XmlRpcFault extends Error {
  constructor(
    readonly faultCode: number,
    readonly faultString: string,
  ) {
    super(faultString);
    this.name = 'XmlRpcFault';
  }
}

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;

export const parseError = (detail: string) =>
  new XmlRpcFault(PARSE_ERROR, `parse error. not well formed: ${detail}`);

export const invalidRequest = (detail: string) =>
  new XmlRpcFault(
    INVALID_REQUEST,
    `server error. invalid xml-rpc. not conforming to spec. ${detail}`,
  );

export const methodNotFound = (name: string) =>
  new XmlRpcFault(METHOD_NOT_FOUND, `server error. requested method ${name} does not exist.`);

export const invalidParams = (detail: string) =>
  new XmlRpcFault(INVALID_PARAMS, `server error. invalid method parameters. ${detail}`);

export const BAD_CREDENTIALS = 'Incorrect username or password.';

export const badCredentials = () => new XmlRpcFault(403, BAD_CREDENTIALS);

export const insufficientArguments = () =>
  new XmlRpcFault(400, 'Insufficient arguments passed to this XML-RPC method.');

export const notPermitted = (message: string) => new XmlRpcFault(401, message);

export const notFound = (message: string) => new XmlRpcFault(404, message);

/** SPEC §3.2 [ours]: an application password never changes its account's password or email. */
export const interactiveOnly = () => new XmlRpcFault(403, INTERACTIVE_ONLY.message);

/** Latchkey has no comments [ours]: their writes are refused with this fault. */
export const commentsUnsupported = () => new XmlRpcFault(405, 'Comments are not supported.');
