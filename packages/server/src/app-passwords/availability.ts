import type { Environment } from '../config/index.js';

export interface AvailabilityInput {
  env: Environment;
  /** The request arrived over HTTPS (directly or through a trusted proxy). */
  secure: boolean;
  /** The request was addressed to a loopback address of this host. */
  toLoopback: boolean;
}

/**
 * Application passwords travel in every request, so only over HTTPS, except in the `local`
 * environment, and in `development` for requests to this machine's loopback address.
 */
export function applicationPasswordsAvailable({
  env,
  secure,
  toLoopback,
}: AvailabilityInput): boolean {
  return secure || env === 'local' || (env === 'development' && toLoopback);
}
