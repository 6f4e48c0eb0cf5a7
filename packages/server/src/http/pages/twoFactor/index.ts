import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../context.js';
import { registerEmailCodeSetup } from './emailCodeSetup.js';
import { registerMethodDisabling } from './methodDisabling.js';
import { registerTwoFactorOverview } from './overviewPage.js';
import { registerRecoveryCodes } from './recoveryCodes.js';
import { registerSecurityKeys } from './securityKeys.js';
import { registerTotpSetup } from './totpSetup.js';

/** `/account/two-factor`: the overview, and setting each method up or switching it off. */
export function registerTwoFactorPages(app: FastifyInstance, ctx: AppContext): void {
  registerTwoFactorOverview(app, ctx);
  registerTotpSetup(app, ctx);
  registerEmailCodeSetup(app, ctx);
  registerRecoveryCodes(app, ctx);
  registerSecurityKeys(app, ctx);
  registerMethodDisabling(app, ctx);
}
