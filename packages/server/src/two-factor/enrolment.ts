import type { User } from '../accounts/index.js';
import type { TwoFactorDeps } from './deps.js';
import { TwoFactorError } from './errors.js';
import { clearLoginChallenges } from './loginChallenges.js';
import { deleteBackupCodes } from './providers/backupCodes.js';
import { deleteWebauthnCredentials } from './providers/webauthn.js';
import type { ProviderId } from './providers.js';
import { loadTwoFactorState, saveTwoFactorState, type TwoFactorChanges } from './state.js';

/** Turning providers off, choosing the primary, and the administrator's reset of everything. */
export function createEnrolment(deps: TwoFactorDeps) {
  const { db } = deps;

  return {
    /** Disables one provider; without another real provider left, recovery codes go too. */
    async disable(user: User, provider: ProviderId): Promise<void> {
      const state = await loadTwoFactorState(db, user.id);
      if (!state.enabled.includes(provider))
        throw new TwoFactorError('latchkey_provider_not_enabled', 'That method is not enabled.');
      let enabled = state.enabled.filter((p) => p !== provider);
      const changes: TwoFactorChanges = {};
      if (provider === 'totp')
        Object.assign(changes, { totpSecretSealed: null, totpLastStep: null });
      if (provider === 'webauthn') await deleteWebauthnCredentials(db, user.id);
      if (provider === 'email')
        Object.assign(changes, { emailCodeHash: null, emailCodeExpires: null });
      if (!enabled.some((p) => p !== 'backup_codes')) {
        enabled = [];
        await deleteBackupCodes(db, user.id);
      }
      if (provider === 'backup_codes') await deleteBackupCodes(db, user.id);
      await saveTwoFactorState(db, user.id, {
        ...changes,
        enabled,
        primary:
          state.primary && enabled.includes(state.primary)
            ? state.primary
            : (enabled.find((p) => p !== 'backup_codes') ?? null),
      });
    },

    async setPrimary(user: User, provider: unknown): Promise<void> {
      const state = await loadTwoFactorState(db, user.id);
      if (
        typeof provider !== 'string' ||
        provider === 'backup_codes' ||
        !state.enabled.includes(provider as ProviderId)
      ) {
        throw new TwoFactorError(
          'latchkey_invalid_provider',
          'Choose an enabled method other than recovery codes.',
        );
      }
      await saveTwoFactorState(db, user.id, { primary: provider as ProviderId });
    },

    /** Administrator or CLI reset: every factor removed. */
    async reset(user: User): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await deleteBackupCodes(tx, user.id);
        await deleteWebauthnCredentials(tx, user.id);
        await clearLoginChallenges(tx, user.id);
        await tx.deleteFrom('user_two_factor').where('user_id', '=', user.id).execute();
      });
    },
  };
}
