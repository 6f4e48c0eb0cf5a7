/**
 * The HTTP layer's one error type. `code` is the stable string on the wire (WordPress's where
 * the protocol has one); `status` is decided here and nowhere else.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly data: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    // An answer, not a fault: nobody reads its stack, and capturing one is most of its cost on
    // paths that build several per request (the permission checks behind `Allow`).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'HttpError';
  }
}

import { wireOf } from '../errors/index.js';

/** Turns a domain error into an HttpError (errors/wire.ts decides how); anything else is not one. */
export function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  const wire = wireOf(error);
  return wire && new HttpError(wire.status, wire.code, wire.message, wire.data, wire.headers);
}
