import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { generatePassword, setUserPassword, type User } from '../accounts/index.js';
import {
  keyedHash,
  openSecret,
  randomDigits,
  randomToken,
  sealSecret,
  type Keys,
} from '../crypto/index.js';
import { plainMessage, type Mailer } from '../mail/index.js';
import { endAllSessions } from '../sessions/index.js';
import type { Database } from '../store/index.js';
import { TwoFactorError } from './errors.js';
import {
  BACKUP_CODE_COUNT,
  CHALLENGE_TTL_MS,
  EMAIL_CODE_TTL_MS,
  FORCED_RESET_AFTER_FAILURES,
  PENDING_TOTP_TTL_MS,
  effectiveFailures,
  emailSendDecision,
  normalizeCode,
  secondFactorWaitSeconds,
  secondsUntilNextAttempt,
} from './policies.js';
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
  saveTwoFactorState,
  type TwoFactorState,
} from './state.js';
import { DEFAULT_TOTP_WINDOW, generateTotpSecret, totpUri, verifyTotp } from './totp.js';
import { consumeImportedBackupCode } from './importedBackupCodes.js';
import { otpauthQrSvg } from './qrCode.js';

export interface TwoFactorDeps {
  db: Kysely<Database>;
  keys: Keys;
  mailer: Mailer;
  now(): number;
  siteUrl(): string;
  siteName(): Promise<string>;
  emailFallback(): Promise<boolean>;
  totpWindow?: number;
}

export interface LoginChallenge {
  tokenHash: string;
  userId: number;
  purpose: 'login' | 'reauth';
  created: number;
  expires: number;
  redirectTo: string;
  remember: boolean;
  sessionId: string | null;
  webauthnChallenge: string | null;
}

export interface TwoFactorStatus {
  enabled: ProviderId[];
  primary: ProviderId | null;
  available: ProviderId[];
  backup_codes_remaining: number;
  webauthn: Array<{ id: string; name: string; created: string; last_used: string | null }>;
}

export type FailureOutcome =
  { forcedReset: false; failures: number; waitSeconds: number } | { forcedReset: true };

/** How long one attempt may hold the lock if its process dies mid-check. */
const ATTEMPT_LOCK_MS = 30_000;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().slice(0, 19));

/** Everything the second factor needs, behind one small object built at start. */
export function createTwoFactor(deps: TwoFactorDeps) {
  const { db, keys } = deps;
  const codeHash = (kind: string, userId: number, code: string) =>
    keyedHash(keys.codes, `${kind}:${userId}:${code}`);
  const rp = () => {
    const url = new URL(deps.siteUrl());
    return { rpID: url.hostname, origin: url.origin };
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
      hasTotpSecret: s.totpSecretSealed !== null,
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

  async function sendMail(user: User, subject: string, text: string) {
    const site = await deps.siteName();
    await deps.mailer.send({ to: user.email, ...plainMessage(`[${site}] ${subject}`, text) });
  }

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
    await db
      .insertInto('user_two_factor')
      .values({ user_id: user.id })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .execute();
    const claimed = await db
      .updateTable('user_two_factor')
      .set({ email_sends: JSON.stringify(sends) })
      .where('user_id', '=', user.id)
      .where('email_sends', '=', JSON.stringify(state.emailSends))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return { sent: false, retryAfterSeconds: 60 };
    if (kind === 'email') {
      await saveTwoFactorState(db, user.id, {
        emailCodeHash: codeHash('email', user.id, code),
        emailCodeExpires: now + EMAIL_CODE_TTL_MS,
        emailSends: sends,
      });
    } else {
      await saveTwoFactorState(db, user.id, {
        proofCodeHash: codeHash('proof', user.id, code),
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

  /** What an authenticator app needs: the secret, its otpauth URI and that URI as a QR code (SVG). */
  async function totpSetupView(user: User, secret: string) {
    const uri = totpUri(await deps.siteName(), user.login, secret);
    return { secret, otpauth_uri: uri, qr_svg: otpauthQrSvg(uri) };
  }

  const service = {
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

    // ---- login challenges -------------------------------------------------------------
    async createChallenge(
      user: User,
      options: {
        purpose: 'login' | 'reauth';
        redirectTo: string;
        remember: boolean;
        sessionId?: string;
      },
    ): Promise<string> {
      const token = randomToken(32);
      const now = deps.now();
      await db
        .insertInto('login_challenges')
        .values({
          token_hash: keyedHash(keys.codes, `challenge:${token}`),
          user_id: user.id,
          purpose: options.purpose,
          created: now,
          expires: now + CHALLENGE_TTL_MS,
          redirect_to: options.redirectTo.slice(0, 2048),
          remember: options.remember ? 1 : 0,
          session_id: options.sessionId ?? null,
          webauthn_challenge: null,
        })
        .execute();
      return token;
    },

    async findChallenge(token: unknown): Promise<LoginChallenge | undefined> {
      if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
      const row = await db
        .selectFrom('login_challenges')
        .selectAll()
        .where('token_hash', '=', keyedHash(keys.codes, `challenge:${token}`))
        .executeTakeFirst();
      if (!row || Number(row.expires) <= deps.now()) return undefined;
      return {
        tokenHash: row.token_hash,
        userId: Number(row.user_id),
        purpose: row.purpose === 'reauth' ? 'reauth' : 'login',
        created: Number(row.created),
        expires: Number(row.expires),
        redirectTo: row.redirect_to,
        remember: Number(row.remember) === 1,
        sessionId: row.session_id,
        webauthnChallenge: row.webauthn_challenge,
      };
    },

    async consumeChallenge(challenge: LoginChallenge): Promise<boolean> {
      const result = await db
        .deleteFrom('login_challenges')
        .where('token_hash', '=', challenge.tokenHash)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async clearChallenges(userId: number): Promise<void> {
      await db.deleteFrom('login_challenges').where('user_id', '=', userId).execute();
    },

    // ---- attempts ---------------------------------------------------------------------
    /**
     * Takes the user's attempt lock (atomically) and checks the backoff. While one attempt is
     * being checked, others wait: concurrent guesses cannot share one backoff step.
     */
    async beginAttempt(
      user: User,
    ): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
      const now = deps.now();
      await db
        .insertInto('user_two_factor')
        .values({ user_id: user.id })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .execute();
      const taken = await db
        .updateTable('user_two_factor')
        .set({ attempt_lock_until: now + ATTEMPT_LOCK_MS })
        .where('user_id', '=', user.id)
        .where((eb) =>
          eb.or([eb('attempt_lock_until', 'is', null), eb('attempt_lock_until', '<=', now)]),
        )
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 0) return { ok: false, retryAfterSeconds: 1 };
      const wait = await service.secondsToWait(user);
      if (wait > 0) {
        await service.endAttempt(user);
        return { ok: false, retryAfterSeconds: wait };
      }
      return { ok: true };
    },

    async endAttempt(user: User): Promise<void> {
      await db
        .updateTable('user_two_factor')
        .set({ attempt_lock_until: null })
        .where('user_id', '=', user.id)
        .execute();
    },

    async secondsToWait(user: User): Promise<number> {
      const state = await loadTwoFactorState(db, user.id);
      return secondsUntilNextAttempt(state.failures, state.lastFailureAt, deps.now());
    },

    /** Checks a code (or assertion) for a provider; a success consumes it (single use, replay rule). */
    async verify(
      user: User,
      provider: ProviderId,
      input: { code?: unknown; webauthnResponse?: unknown; challenge?: LoginChallenge },
    ): Promise<boolean> {
      const now = deps.now();
      const state = await loadTwoFactorState(db, user.id);
      const code = normalizeCode(input.code);
      switch (provider) {
        case 'totp': {
          if (!state.totpSecretSealed) return false;
          const step = verifyTotp({
            secret: openSecret(keys.secretBox, state.totpSecretSealed),
            code,
            nowMs: now,
            window: deps.totpWindow ?? DEFAULT_TOTP_WINDOW,
            lastUsedStep: state.totpLastStep,
          });
          if (step === null) return false;
          // Conditional write: two concurrent requests with one code cannot both succeed.
          const result = await db
            .updateTable('user_two_factor')
            .set({ totp_last_step: step })
            .where('user_id', '=', user.id)
            .where((eb) =>
              eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]),
            )
            .executeTakeFirst();
          return Number(result.numUpdatedRows) > 0;
        }
        case 'email': {
          if (!/^\d{8}$/.test(code) || !state.emailCodeHash || (state.emailCodeExpires ?? 0) <= now)
            return false;
          const hash = codeHash('email', user.id, code);
          const result = await db
            .updateTable('user_two_factor')
            .set({ email_code_hash: null, email_code_expires: null })
            .where('user_id', '=', user.id)
            .where('email_code_hash', '=', hash)
            .executeTakeFirst();
          return Number(result.numUpdatedRows) > 0;
        }
        case 'backup_codes': {
          if (!/^\d{8}$/.test(code)) return false;
          const result = await db
            .updateTable('backup_codes')
            .set({ used_at: now })
            .where('user_id', '=', user.id)
            .where('code_hash', '=', codeHash('backup', user.id, code))
            .where('used_at', 'is', null)
            .executeTakeFirst();
          if (Number(result.numUpdatedRows) > 0) return true;
          return consumeImportedBackupCode(db, user.id, code, now);
        }
        case 'webauthn': {
          const expected = input.challenge?.webauthnChallenge;
          if (!expected || typeof input.webauthnResponse !== 'string') return false;
          let response: AuthenticationResponseJSON;
          try {
            response = JSON.parse(input.webauthnResponse) as AuthenticationResponseJSON;
          } catch {
            return false;
          }
          const credential = (await listWebauthnCredentials(db, user.id)).find(
            (c) => c.id === response?.id,
          );
          if (!credential) return false;
          const { rpID, origin } = rp();
          try {
            const result = await verifyAuthenticationResponse({
              response,
              expectedChallenge: expected,
              expectedOrigin: origin,
              expectedRPID: rpID,
              credential: {
                id: credential.id,
                publicKey: Buffer.from(credential.publicKey, 'base64url'),
                counter: credential.counter,
                transports: credential.transports as never,
              },
              requireUserVerification: false,
            });
            if (!result.verified) return false;
            await db
              .updateTable('webauthn_credentials')
              .set({ counter: result.authenticationInfo.newCounter, last_used: now })
              .where('id', '=', credential.id)
              .execute();
            await db
              .updateTable('login_challenges')
              .set({ webauthn_challenge: null })
              .where('token_hash', '=', input.challenge!.tokenHash)
              .execute();
            return true;
          } catch {
            return false;
          }
        }
      }
    },

    async recordSuccess(user: User): Promise<void> {
      await saveTwoFactorState(db, user.id, { failures: 0, lastFailureAt: null });
    },

    /** Counts a failure; the 30th without success resets the account password (SPEC §6.2). */
    async recordFailure(user: User, ip: string): Promise<FailureOutcome> {
      const now = deps.now();
      const state = await loadTwoFactorState(db, user.id);
      const failures = effectiveFailures(state.failures, state.lastFailureAt, now) + 1;
      await saveTwoFactorState(db, user.id, { failures, lastFailureAt: now });
      if (failures < FORCED_RESET_AFTER_FAILURES)
        return { forcedReset: false, failures, waitSeconds: secondFactorWaitSeconds(failures) };
      await setUserPassword(db, user.id, generatePassword(32));
      await service.clearChallenges(user.id);
      await endAllSessions(db, user.id);
      await saveTwoFactorState(db, user.id, { failures: 0, lastFailureAt: null });
      const text = (who: string) =>
        `${who} had ${FORCED_RESET_AFTER_FAILURES} failed second-factor attempts in a row (the last from ${ip}), so the password of the account "${user.login}" was reset to a random one and its sessions were ended.\n\n` +
        `Someone may know the password. To get back in, ask an administrator to set a new password (latchkey user set-password ${user.login}).`;
      await sendMail(
        user,
        'Your password was reset after repeated failed sign-ins',
        text('Your account'),
      ).catch(() => {});
      const admins = await db
        .selectFrom('users')
        .select(['email', 'login'])
        .where('role', '=', 'administrator')
        .where('disabled', '=', 0)
        .execute();
      for (const admin of admins) {
        await deps.mailer
          .send({
            to: admin.email,
            ...plainMessage(
              `[${await deps.siteName()}] Password of ${user.login} reset after repeated failed sign-ins`,
              text(`The account "${user.login}"`),
            ),
          })
          .catch(() => {});
      }
      return { forcedReset: true };
    },

    /** Sends a sign-in code unless a valid one is pending (or when a resend is asked for). */
    async offerEmailCode(user: User, ip: string, resend: boolean) {
      const state = await loadTwoFactorState(db, user.id);
      if (!resend && state.emailCodeHash && (state.emailCodeExpires ?? 0) > deps.now())
        return { sent: false as const, pending: true as const };
      return mailCode(user, 'email', ip, { throttled: resend });
    },

    // ---- enrolment --------------------------------------------------------------------
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
      return totpSetupView(user, secret);
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
      return totpSetupView(user, openSecret(keys.secretBox, row.pending_totp_secret));
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
        window: deps.totpWindow ?? DEFAULT_TOTP_WINDOW,
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
        enabled: [...state.enabled, 'totp'],
        primary: state.primary ?? 'totp',
      });
      await db
        .updateTable('sessions')
        .set({ pending_totp_secret: null, pending_totp_at: null })
        .where('id', '=', sessionId)
        .execute();
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

    /** Checks the proof code; the address becomes verified, and the email provider enabled if asked. */
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
          .where('proof_code_hash', '=', codeHash('proof', user.id, c))
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
        await saveTwoFactorState(db, user.id, {
          enabled: [...state.enabled, 'email'],
          primary: state.primary ?? 'email',
        });
    },

    async regenerateBackupCodes(user: User): Promise<{ codes: string[]; remaining: number }> {
      const state = await loadTwoFactorState(db, user.id);
      if (!state.enabled.some((p) => p !== 'backup_codes')) {
        throw new TwoFactorError(
          'latchkey_backup_codes_need_provider',
          'Enable another method first: recovery codes only back up a second factor.',
        );
      }
      const codes = Array.from({ length: BACKUP_CODE_COUNT }, () => randomDigits(8));
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('backup_codes').where('user_id', '=', user.id).execute();
        await tx
          .insertInto('backup_codes')
          .values(
            codes.map((c) => ({
              user_id: user.id,
              code_hash: codeHash('backup', user.id, c),
              used_at: null,
            })),
          )
          .execute();
      });
      await saveTwoFactorState(db, user.id, { enabled: [...state.enabled, 'backup_codes'] });
      return { codes, remaining: codes.length };
    },

    /** Disables one provider; without another real provider left, recovery codes go too. */
    async disable(user: User, provider: ProviderId): Promise<void> {
      const state = await loadTwoFactorState(db, user.id);
      if (!state.enabled.includes(provider))
        throw new TwoFactorError('latchkey_provider_not_enabled', 'That method is not enabled.');
      let enabled = state.enabled.filter((p) => p !== provider);
      const changes: Parameters<typeof saveTwoFactorState>[2] = {};
      if (provider === 'totp')
        Object.assign(changes, { totpSecretSealed: null, totpLastStep: null });
      if (provider === 'webauthn')
        await db.deleteFrom('webauthn_credentials').where('user_id', '=', user.id).execute();
      if (provider === 'email')
        Object.assign(changes, { emailCodeHash: null, emailCodeExpires: null });
      if (!enabled.some((p) => p !== 'backup_codes')) {
        enabled = [];
        await db.deleteFrom('backup_codes').where('user_id', '=', user.id).execute();
      }
      if (provider === 'backup_codes')
        await db.deleteFrom('backup_codes').where('user_id', '=', user.id).execute();
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
        await tx.deleteFrom('backup_codes').where('user_id', '=', user.id).execute();
        await tx.deleteFrom('webauthn_credentials').where('user_id', '=', user.id).execute();
        await tx.deleteFrom('login_challenges').where('user_id', '=', user.id).execute();
        await tx.deleteFrom('user_two_factor').where('user_id', '=', user.id).execute();
      });
    },

    // ---- WebAuthn ---------------------------------------------------------------------
    async webauthnRegistrationOptions(user: User, sessionId: string) {
      const { rpID } = rp();
      const existing = await listWebauthnCredentials(db, user.id);
      const options = await generateRegistrationOptions({
        rpName: await deps.siteName(),
        rpID,
        userName: user.login,
        userDisplayName: user.displayName,
        attestationType: 'none',
        excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
        authenticatorSelection: { residentKey: 'discouraged', userVerification: 'preferred' },
      });
      await db
        .updateTable('sessions')
        .set({ webauthn_challenge: options.challenge })
        .where('id', '=', sessionId)
        .execute();
      return options;
    },

    async webauthnRegister(
      user: User,
      sessionId: string,
      name: string,
      response: unknown,
    ): Promise<{ id: string }> {
      const row = await db
        .selectFrom('sessions')
        .select('webauthn_challenge')
        .where('id', '=', sessionId)
        .executeTakeFirst();
      if (!row?.webauthn_challenge)
        throw new TwoFactorError(
          'latchkey_webauthn_failed',
          'Start the security key registration again.',
        );
      const { rpID, origin } = rp();
      let verified;
      try {
        const parsed = (
          typeof response === 'string' ? JSON.parse(response) : response
        ) as RegistrationResponseJSON;
        verified = await verifyRegistrationResponse({
          response: parsed,
          expectedChallenge: row.webauthn_challenge,
          expectedOrigin: origin,
          expectedRPID: rpID,
          requireUserVerification: false,
        });
      } catch (error) {
        throw new TwoFactorError(
          'latchkey_webauthn_failed',
          `The security key response was not accepted: ${(error as Error).message}`,
        );
      } finally {
        await db
          .updateTable('sessions')
          .set({ webauthn_challenge: null })
          .where('id', '=', sessionId)
          .execute();
      }
      if (!verified.verified)
        throw new TwoFactorError(
          'latchkey_webauthn_failed',
          'The security key response was not accepted.',
        );
      const credential = verified.registrationInfo.credential;
      const label = name.replace(/\s+/g, ' ').trim().slice(0, 100) || 'Security key';
      await db
        .insertInto('webauthn_credentials')
        .values({
          id: credential.id,
          user_id: user.id,
          name: label,
          public_key: Buffer.from(credential.publicKey).toString('base64url'),
          counter: credential.counter,
          transports: JSON.stringify(credential.transports ?? []),
          created: deps.now(),
          last_used: null,
        })
        .execute();
      const state = await loadTwoFactorState(db, user.id);
      await saveTwoFactorState(db, user.id, {
        enabled: [...state.enabled, 'webauthn'],
        primary: state.primary ?? 'webauthn',
      });
      return { id: credential.id };
    },

    async webauthnRemove(user: User, id: string): Promise<boolean> {
      const result = await db
        .deleteFrom('webauthn_credentials')
        .where('user_id', '=', user.id)
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return false;
      if ((await listWebauthnCredentials(db, user.id)).length === 0) {
        const state = await loadTwoFactorState(db, user.id);
        if (state.enabled.includes('webauthn')) await service.disable(user, 'webauthn');
      }
      return true;
    },

    /** Options for signing in with a key; the challenge is kept with the login challenge. */
    async webauthnAuthenticationOptions(user: User, challenge: LoginChallenge) {
      const { rpID } = rp();
      const credentials = await listWebauthnCredentials(db, user.id);
      const options = await generateAuthenticationOptions({
        rpID,
        allowCredentials: credentials.map((c) => ({ id: c.id, transports: c.transports as never })),
        userVerification: 'preferred',
      });
      await db
        .updateTable('login_challenges')
        .set({ webauthn_challenge: options.challenge })
        .where('token_hash', '=', challenge.tokenHash)
        .execute();
      return options;
    },

    newId: () => randomUUID(),
  };
  return service;
}

export type TwoFactor = ReturnType<typeof createTwoFactor>;
