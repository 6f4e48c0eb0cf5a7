import type { User } from '../accounts/index.js';
import { openSecret } from '../crypto/index.js';
import type { TwoFactorDeps } from './deps.js';
import {
  availableProviders,
  primaryProvider,
  usesTwoFactor,
  type ProviderId,
  type TwoFactorFacts,
} from './providers.js';
import {
  countUnusedBackupCodes,
  listWebauthnCredentials,
  loadTwoFactorState,
  type TwoFactorState,
} from './state.js';

/** A user's two-factor settings as the REST route and the account page show them. */
export interface TwoFactorStatus {
  enabled: ProviderId[];
  primary: ProviderId | null;
  available: ProviderId[];
  backup_codes_remaining: number;
  webauthn: Array<{ id: string; name: string; created: string; last_used: string | null }>;
}

// WordPress's REST date form: UTC, no zone suffix.
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().slice(0, 19));

/** What a user has enrolled, read for the pure rules in providers.ts and for display. */
export function createEnrolmentFacts(deps: TwoFactorDeps) {
  const { db } = deps;
  /**
   * A seed sealed under another installation key (an import run with the wrong data dir, a lost
   * key) cannot be used: the authenticator app is then not offered, so sign-in falls back to
   * the user's other methods instead of failing on the server.
   */
  const opens = (sealed: string): boolean => {
    try {
      openSecret(deps.keys.secretBox, sealed);
      return true;
    } catch {
      return false;
    }
  };

  async function facts(user: User, state?: TwoFactorState): Promise<TwoFactorFacts> {
    const s = state ?? (await loadTwoFactorState(db, user.id));
    const [backup, keysCount] = await Promise.all([
      countUnusedBackupCodes(db, user.id),
      db
        .selectFrom('webauthn_credentials')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow(),
    ]);
    return {
      enabled: s.enabled,
      primary: s.primary,
      hasTotpSecret: s.totpSecretSealed !== null && opens(s.totpSecretSealed),
      backupCodesRemaining: backup,
      webauthnCount: Number(keysCount.n),
      // Read fresh: the address may have been verified or changed since `user` was loaded.
      emailVerified:
        (
          await db
            .selectFrom('users')
            .select('email_verified_at')
            .where('id', '=', user.id)
            .executeTakeFirst()
        )?.email_verified_at != null,
      emailFallback: await deps.emailFallback(),
    };
  }

  return {
    facts,

    async usesTwoFactor(user: User): Promise<boolean> {
      return usesTwoFactor(await loadTwoFactorState(db, user.id));
    },

    async status(user: User): Promise<TwoFactorStatus> {
      const state = await loadTwoFactorState(db, user.id);
      const f = await facts(user, state);
      const keysList = await listWebauthnCredentials(db, user.id);
      return {
        enabled: state.enabled,
        primary: primaryProvider(f),
        available: availableProviders(f),
        backup_codes_remaining: f.backupCodesRemaining,
        webauthn: keysList.map((k) => ({
          id: k.id,
          name: k.name,
          created: iso(k.created)!,
          last_used: iso(k.lastUsed),
        })),
      };
    },
  };
}
