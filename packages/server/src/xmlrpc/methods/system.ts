import { INVALID_REQUEST, XmlRpcFault } from '../faults.js';
import { arrayParam, type MethodTable, type XmlRpcCall } from '../method.js';
import { isStruct, newStruct, type XmlRpcValue } from '../values.js';

/** More calls than this in one `system.multicall` is not a client, it is a flood. */
export const MAX_MULTICALL = 1000;

const isInt32 = (v: XmlRpcValue | undefined): v is number =>
  typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 2_147_483_647;

const faultStruct = (fault: XmlRpcFault) =>
  Object.assign(newStruct(), { faultCode: fault.faultCode, faultString: fault.faultString });

/** Introspection and the multicall, answered without credentials. */
export function systemMethods(names: () => string[]): MethodTable {
  return {
    'system.listMethods': {
      tier: 'content',
      credentials: null,
      minArgs: 0,
      handler: async () => names(),
    },
    'system.multicall': {
      tier: 'content',
      credentials: null,
      minArgs: 1,
      handler: async (call: XmlRpcCall) => {
        if (call.nested)
          throw new XmlRpcFault(
            INVALID_REQUEST,
            'Recursive calls to system.multicall are forbidden',
          );
        const calls = arrayParam(call, 0, 'calls');
        if (calls.length > MAX_MULTICALL)
          throw new XmlRpcFault(
            INVALID_REQUEST,
            `A system.multicall may hold at most ${MAX_MULTICALL} calls.`,
          );
        const results: XmlRpcValue[] = [];
        for (const entry of calls) {
          const methodName = isStruct(entry) ? entry.methodName : undefined;
          const params = isStruct(entry) ? (entry.params ?? []) : undefined;
          if (typeof methodName !== 'string' || !Array.isArray(params)) {
            results.push(
              faultStruct(
                new XmlRpcFault(
                  INVALID_REQUEST,
                  'Each call needs a methodName string and a params array.',
                ),
              ),
            );
            continue;
          }
          if (methodName === 'system.multicall') {
            results.push(
              faultStruct(
                new XmlRpcFault(
                  INVALID_REQUEST,
                  'Recursive calls to system.multicall are forbidden',
                ),
              ),
            );
            continue;
          }
          try {
            results.push([await call.invoke(methodName, params, true)]);
          } catch (error) {
            if (!(error instanceof XmlRpcFault)) throw error;
            results.push(faultStruct(error));
          }
        }
        return results;
      },
    },
    // WordPress lists every method here, and python-wordpress-xmlrpc refuses to call a method
    // missing from this list; so it is the same list as system.listMethods.
    'mt.supportedMethods': {
      tier: 'content',
      credentials: null,
      minArgs: 0,
      handler: async () => names(),
    },
    // No per-post text filters, as in WordPress.
    'mt.supportedTextFilters': {
      tier: 'content',
      credentials: null,
      minArgs: 0,
      handler: async () => [],
    },
    'demo.sayHello': {
      tier: 'content',
      credentials: null,
      minArgs: 0,
      handler: async () => 'Hello!',
    },
    'demo.addTwoNumbers': {
      tier: 'content',
      credentials: null,
      minArgs: 0,
      handler: async (call: XmlRpcCall) => {
        const [a, b] = call.params;
        if (call.params.length !== 2 || !isInt32(a) || !isInt32(b))
          throw new XmlRpcFault(
            400,
            'Invalid arguments passed to this XML-RPC method. Requires two integers.',
          );
        return a + b;
      },
    },
  };
}
