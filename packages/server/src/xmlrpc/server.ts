import type { AppContext } from '../context.js';
import { forbiddenScopeMessage, scopeAllows } from '../scopes/index.js';
import {
  INTERNAL_ERROR,
  insufficientArguments,
  invalidParams,
  methodNotFound,
  XmlRpcFault,
} from './faults.js';
import { XmlRpcLogin, type XmlRpcClient } from './login.js';
import type { MethodTable, XmlRpcCall, XmlRpcMethod } from './method.js';
import { commentMethods } from './methods/comments.js';
import { legacyPostMethods } from './methods/legacyPosts.js';
import { mediaMethods } from './methods/media.js';
import { optionMethods } from './methods/options.js';
import { pageMethods } from './methods/pages.js';
import { postMethods } from './methods/posts.js';
import { systemMethods } from './methods/system.js';
import { termMethods } from './methods/terms.js';
import { typeMethods } from './methods/types.js';
import { userMethods } from './methods/users.js';
import { parseMethodCall } from './parse.js';
import { faultResponse, methodResponse } from './serialize.js';
import type { XmlRpcValue } from './values.js';
import { wireOf } from '../errors/index.js';

/** Every method Latchkey answers, with its tier (SPEC §8). `pingback.*` are not offered. */
export function xmlrpcMethods(): MethodTable {
  const table: MethodTable = {};
  const parts = [
    systemMethods(() => Object.keys(table)),
    userMethods,
    postMethods,
    legacyPostMethods,
    pageMethods,
    termMethods,
    mediaMethods,
    typeMethods,
    optionMethods,
    commentMethods,
  ];
  for (const part of parts)
    for (const [name, method] of Object.entries(part)) {
      // Two tables answering one name would make one of them dead code without a word.
      if (Object.hasOwn(table, name)) throw new Error(`XML-RPC method ${name} is defined twice.`);
      table[name] = method;
    }
  return table;
}

export const XMLRPC_METHODS: Readonly<MethodTable> = Object.freeze(xmlrpcMethods());

async function invoke(
  ctx: AppContext,
  client: XmlRpcClient,
  login: XmlRpcLogin,
  methodName: string,
  params: XmlRpcValue[],
  nested: boolean,
): Promise<XmlRpcValue> {
  const method: XmlRpcMethod | undefined = Object.hasOwn(XMLRPC_METHODS, methodName)
    ? XMLRPC_METHODS[methodName]
    : undefined;
  if (!method) throw methodNotFound(methodName);
  const call: XmlRpcCall = {
    ctx,
    methodName,
    params,
    login,
    client,
    nested,
    invoke: (name, p, n) => invoke(ctx, client, login, name, p, n),
  };
  if (params.length < method.minArgs) throw insufficientArguments();
  try {
    if (method.credentials === null) return await method.handler(call);
    return await authenticated(method, call);
  } catch (error) {
    if (error instanceof XmlRpcFault) throw error;
    // A domain error becomes its fault (errors/wire.ts): WordPress's 500 for a refused write.
    const wire = wireOf(error);
    if (wire) throw new XmlRpcFault(wire.fault, wire.faultMessage);
    // Unexpected: logged, and a fault for this call only (a multicall goes on).
    ctx.logger.error({ err: error, method: methodName }, 'xml-rpc method failed');
    throw new XmlRpcFault(INTERNAL_ERROR, 'server error. internal xml-rpc error.');
  }
}

async function authenticated(
  method: Extract<XmlRpcMethod, { credentials: object }>,
  call: XmlRpcCall,
): Promise<XmlRpcValue> {
  const { params, login } = call;
  const username = params[method.credentials.user];
  const password = params[method.credentials.password];
  if (!isCredential(username) || !isCredential(password))
    throw invalidParams('The username and password must be strings.');
  const principal = await login.login(String(username), String(password));
  const scope = principal.appPassword?.scope ?? 'full';
  if (!scopeAllows(scope, method.tier))
    throw new XmlRpcFault(401, forbiddenScopeMessage(method.tier));
  return method.handler({ ...call, principal });
}

const isCredential = (v: XmlRpcValue | undefined) => typeof v === 'string' || typeof v === 'number';

/**
 * Answers one XML-RPC request body: always a document, faults included. Only a fault, never an
 * exception, leaves here; anything unexpected is logged and becomes fault -32603.
 */
export async function handleXmlRpc(
  ctx: AppContext,
  client: XmlRpcClient,
  body: Buffer | string | undefined,
): Promise<string> {
  try {
    const { methodName, params } = parseMethodCall(body);
    const login = new XmlRpcLogin(ctx, client);
    return methodResponse(await invoke(ctx, client, login, methodName, params, false));
  } catch (error) {
    if (error instanceof XmlRpcFault) return faultResponse(error.faultCode, error.faultString);
    ctx.logger.error({ err: error }, 'xml-rpc request failed');
    return faultResponse(INTERNAL_ERROR, 'server error. internal xml-rpc error.');
  }
}
