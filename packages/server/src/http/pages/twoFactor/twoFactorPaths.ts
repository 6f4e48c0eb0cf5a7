import { reauthUrl } from '../stepUp.js';

export const TWO_FACTOR_PAGE = '/account/two-factor';
/** Where a change without a recent sign-in sends the browser first (password, then second factor). */
export const TWO_FACTOR_REAUTH_URL = reauthUrl(TWO_FACTOR_PAGE);
