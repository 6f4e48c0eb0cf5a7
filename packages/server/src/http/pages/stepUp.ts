import type { SignedIn } from '../browserAuth.js';
import type { AppContext } from '../../context.js';

/** Whether the session's last password (and second factor) is older than `windowMs`. */
export function stepUpDue(ctx: AppContext, signedIn: SignedIn, windowMs: number): boolean {
  return ctx.now() - signedIn.session.authenticatedAt > windowMs;
}

/** The step-up page, coming back to `back` once the password was entered again. */
export function reauthUrl(back: string): string {
  return `/login/reauth?redirect_to=${encodeURIComponent(back)}`;
}
