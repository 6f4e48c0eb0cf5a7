import type { User } from '../../accounts/index.js';
import { openSecret, sealSecret } from '../../crypto/index.js';
import type { TwoFactorDeps } from '../deps.js';
import { TwoFactorError } from '../errors.js';
import { PENDING_TOTP_TTL_MS, normalizeCode } from '../policies.js';
import { withProviderEnabled } from '../providers.js';
import { otpauthQrSvg } from '../qrCode.js';
import { loadTwoFactorState, saveTwoFactorState, type TwoFactorState } from '../state.js';
import { DEFAULT_TOTP_WINDOW, generateTotpSecret, totpUri, verifyTotp } from '../totp.js';

/**
 * The authenticator app: setup through a secret kept on the session until a code proves the app
 * has it, then sign-in codes, each time step usable once.
 */
export function createTotpProvider(deps: TwoFactorDeps) {
  const { db, keys } = deps;
  const window = () => deps.totpWindow ?? DEFAULT_TOTP_WINDOW;

  /** What an authenticator app needs: the secret, its otpauth URI and that URI as a QR code (SVG). */
  async function setupView(user: User, secret: string) {
    const uri = totpUri(await deps.siteName(), user.login, secret);
    return { secret, otpauth_uri: uri, qr_svg: otpauthQrSvg(uri) };
  }

  return {
    // The pending secret is kept on the session, not the account, until a code proves the app
    // holds it: an abandoned setup leaves the account's factors as they were.
    async beginTotpSetup(user: User, sessionId: string) {
      const secret = generateTotpSecret();
      await db
        .updateTable('sessions')
        .set({
          pending_totp_secret: sealSecret(keys.secretBox, secret),
          pending_totp_at: deps.now(),
        })
        .where('id', '=', sessionId)
        .execute();
      return setupView(user, secret);
    },

    /** The setup in progress on this session (to show it again after a wrong code), if any. */
    async pendingTotpSetup(user: User, sessionId: string) {
      const row = await db
        .selectFrom('sessions')
        .select(['pending_totp_secret', 'pending_totp_at'])
        .where('id', '=', sessionId)
        .where('user_id', '=', user.id)
        .executeTakeFirst();
      if (
        !row?.pending_totp_secret ||
        deps.now() - Number(row.pending_totp_at) > PENDING_TOTP_TTL_MS
      )
        return undefined;
      return setupView(user, openSecret(keys.secretBox, row.pending_totp_secret));
    },

    async confirmTotp(user: User, sessionId: string, code: unknown): Promise<void> {
      const row = await db
        .selectFrom('sessions')
        .select(['pending_totp_secret', 'pending_totp_at'])
        .where('id', '=', sessionId)
        .executeTakeFirst();
      const now = deps.now();
      if (!row?.pending_totp_secret || now - Number(row.pending_totp_at) > PENDING_TOTP_TTL_MS) {
        throw new TwoFactorError(
          'latchkey_no_pending_setup',
          'Start the authenticator setup again: the pending secret expired.',
        );
      }
      const secret = openSecret(keys.secretBox, row.pending_totp_secret);
      const step = verifyTotp({
        secret,
        code: normalizeCode(code),
        nowMs: now,
        window: window(),
        lastUsedStep: null,
      });
      if (step === null)
        throw new TwoFactorError(
          'latchkey_invalid_code',
          'That code is not correct. Check the time on your device and try the next code.',
        );
      const state = await loadTwoFactorState(db, user.id);
      await saveTwoFactorState(db, user.id, {
        totpSecretSealed: row.pending_totp_secret,
        // The setup code's step counts as used: it cannot sign anyone in afterwards.
        totpLastStep: step,
        ...withProviderEnabled(state, 'totp'),
      });
      await db
        .updateTable('sessions')
        .set({ pending_totp_secret: null, pending_totp_at: null })
        .where('id', '=', sessionId)
        .execute();
    },

    /** A sign-in code (already normalised); success uses up its time step and every earlier one. */
    async verifyTotpCode(
      user: User,
      state: TwoFactorState,
      code: string,
      now: number,
    ): Promise<boolean> {
      if (!state.totpSecretSealed) return false;
      const step = verifyTotp({
        secret: openSecret(keys.secretBox, state.totpSecretSealed),
        code,
        nowMs: now,
        window: window(),
        lastUsedStep: state.totpLastStep,
      });
      if (step === null) return false;
      // Conditional write: two concurrent requests with one code cannot both succeed.
      const result = await db
        .updateTable('user_two_factor')
        .set({ totp_last_step: step })
        .where('user_id', '=', user.id)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
