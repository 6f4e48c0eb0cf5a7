import type { User } from '../../accounts/index.js';
import { randomDigits } from '../../crypto/index.js';
import { plainMessage } from '../../mail/index.js';
import { codeHash } from '../codeHash.js';
import type { TwoFactorDeps } from '../deps.js';
import { TwoFactorError } from '../errors.js';
import { EMAIL_CODE_TTL_MS, emailSendDecision, normalizeCode } from '../policies.js';
import { withProviderEnabled } from '../providers.js';
import {
  ensureTwoFactorRow,
  loadTwoFactorState,
  saveTwoFactorState,
  type TwoFactorState,
} from '../state.js';

/**
 * Email codes: sign-in codes, and proof codes that show mail reaches the address (to enable the
 * provider or to verify a changed address). Both kinds share one send throttle.
 */
export function createEmailProvider(deps: TwoFactorDeps) {
  const { db, keys } = deps;

  /**
   * Mails a fresh 8-digit code (sign-in or address proof); the code is stored hashed. Every send
   * is counted, but only asked-for sends (Resend, a proof code) are throttled: the automatic
   * sign-in mail goes out whenever no code is pending (SPEC §6.3), or a proof mail sent a moment
   * ago would leave the first sign-in after enabling email codes without a code.
   */
  async function mailCode(
    user: User,
    kind: 'email' | 'proof',
    ip: string,
    options: { throttled: boolean; to?: string },
  ): Promise<{ sent: true } | { sent: false; retryAfterSeconds: number }> {
    const { to } = options;
    const now = deps.now();
    const state = await loadTwoFactorState(db, user.id);
    const decision = emailSendDecision(state.emailSends, now);
    if (options.throttled && !decision.send)
      return { sent: false, retryAfterSeconds: decision.retryAfterSeconds };
    const code = randomDigits(8);
    const sends = [...state.emailSends.filter((t) => now - t < 3600_000), now];
    // Claim this send (compare-and-swap on the list) so concurrent requests cannot both pass the throttle.
    await ensureTwoFactorRow(db, user.id);
    const claimed = await db
      .updateTable('user_two_factor')
      .set({ email_sends: JSON.stringify(sends) })
      .where('user_id', '=', user.id)
      .where('email_sends', '=', JSON.stringify(state.emailSends))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return { sent: false, retryAfterSeconds: 60 };
    if (kind === 'email') {
      await saveTwoFactorState(db, user.id, {
        emailCodeHash: codeHash(keys, 'email', user.id, code),
        emailCodeExpires: now + EMAIL_CODE_TTL_MS,
        emailSends: sends,
      });
    } else {
      await saveTwoFactorState(db, user.id, {
        proofCodeHash: codeHash(keys, 'proof', user.id, code),
        proofCodeExpires: now + EMAIL_CODE_TTL_MS,
        proofEmail: to ?? user.email,
        emailSends: sends,
      });
    }
    const site = await deps.siteName();
    const purpose = kind === 'email' ? 'sign in to' : 'confirm this email address on';
    await deps.mailer.send({
      to: to ?? user.email,
      ...plainMessage(
        `[${site}] Your code: ${code}`,
        `Your code to ${purpose} ${site} is:\n\n    ${code}\n\nIt is valid for 10 minutes and can be used once.\nIt was requested from the address ${ip}.\n\nIf you did not ask for it, someone may know your password: change it.`,
      ),
    });
    return { sent: true };
  }

  return {
    /** Sends a sign-in code unless a valid one is pending (or when a resend is asked for). */
    async offerEmailCode(user: User, ip: string, resend: boolean) {
      const state = await loadTwoFactorState(db, user.id);
      if (!resend && state.emailCodeHash && (state.emailCodeExpires ?? 0) > deps.now())
        return { sent: false as const, pending: true as const };
      return mailCode(user, 'email', ip, { throttled: resend });
    },

    /** A sign-in code (already normalised); success clears it, so it works once. */
    async verifyEmailCode(
      user: User,
      state: TwoFactorState,
      code: string,
      now: number,
    ): Promise<boolean> {
      if (!/^\d{8}$/.test(code) || !state.emailCodeHash || (state.emailCodeExpires ?? 0) <= now)
        return false;
      const hash = codeHash(keys, 'email', user.id, code);
      // Conditional on the hash: of two concurrent requests with the code, one clears it.
      const result = await db
        .updateTable('user_two_factor')
        .set({ email_code_hash: null, email_code_expires: null })
        .where('user_id', '=', user.id)
        .where('email_code_hash', '=', hash)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Sends the code that proves mail arrives (enabling the email provider, or verifying the address). */
    async sendProofCode(user: User, ip: string) {
      const result = await mailCode(user, 'proof', ip, { throttled: true });
      if (!result.sent)
        throw new TwoFactorError(
          'latchkey_email_throttled',
          `Wait ${result.retryAfterSeconds} seconds before asking for another code.`,
          result.retryAfterSeconds,
        );
    },

    /**
     * Checks the proof code; the address becomes verified, and the email provider enabled if
     * asked. The code counts only for the address it was sent to: changed since, it proves nothing.
     */
    async confirmProofCode(user: User, code: unknown, enableProvider: boolean): Promise<void> {
      const state = await loadTwoFactorState(db, user.id);
      const now = deps.now();
      const c = normalizeCode(code);
      const ok =
        /^\d{8}$/.test(c) &&
        state.proofCodeHash !== null &&
        (state.proofCodeExpires ?? 0) > now &&
        state.proofEmail?.toLowerCase() === user.email.toLowerCase() &&
        (await db
          .updateTable('user_two_factor')
          .set({ proof_code_hash: null, proof_code_expires: null, proof_email: null })
          .where('user_id', '=', user.id)
          .where('proof_code_hash', '=', codeHash(keys, 'proof', user.id, c))
          .executeTakeFirst()
          .then((r) => Number(r.numUpdatedRows) > 0));
      if (!ok)
        throw new TwoFactorError(
          'latchkey_invalid_code',
          'That code is not correct or has expired.',
        );
      await db
        .updateTable('users')
        .set({ email_verified_at: now })
        .where('id', '=', user.id)
        .execute();
      if (enableProvider)
        await saveTwoFactorState(db, user.id, withProviderEnabled(state, 'email'));
    },
  };
}
