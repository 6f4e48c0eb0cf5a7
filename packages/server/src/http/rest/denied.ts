import { HttpError } from '../errors.js';
import type { RestRequest } from './registry.js';

/** 401 when nobody is signed in, 403 when someone is but may not: WordPress's rule. */
export function denied(req: RestRequest, code: string, message: string): HttpError {
  return new HttpError(req.auth.user ? 403 : 401, code, message);
}
