import type { Kysely } from 'kysely';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

/** Loaded at the first ceremony: a large library (≈25 MB resident) most requests never need. */
const webauthn = () => import('@simplewebauthn/server');
import type { User } from '../../accounts/index.js';
import type { Database } from '../../store/index.js';
import type { TwoFactorDeps } from '../deps.js';
import { TwoFactorError } from '../errors.js';
import { setLoginWebauthnChallenge, type LoginChallenge } from '../loginChallenges.js';
import { withProviderEnabled, type ProviderId } from '../providers.js';
import { listWebauthnCredentials, loadTwoFactorState, saveTwoFactorState } from '../state.js';

export async function deleteWebauthnCredentials(
  db: Kysely<Database>,
  userId: number,
): Promise<void> {
  await db.deleteFrom('webauthn_credentials').where('user_id', '=', userId).execute();
}

/**
 * Security keys (WebAuthn): registration from a signed-in session, then assertions at sign-in.
 * Each ceremony's challenge is kept server-side (on the session to register, on the login
 * challenge to sign in) and dropped once used, so an accepted response cannot be replayed.
 */
export function createWebauthnProvider(
  deps: TwoFactorDeps,
  // Removing the last key disables the provider with the same clean-up as disabling it by hand.
  enrolment: { disable(user: User, provider: ProviderId): Promise<void> },
) {
  const { db } = deps;
  // Read per ceremony: the relying party follows the configured site URL.
  const rp = () => {
    const url = new URL(deps.siteUrl());
    return { rpID: url.hostname, origin: url.origin };
  };

  const setSessionChallenge = (sessionId: string, challenge: string | null) =>
    db
      .updateTable('sessions')
      .set({ webauthn_challenge: challenge })
      .where('id', '=', sessionId)
      .execute();

  return {
    async webauthnRegistrationOptions(user: User, sessionId: string) {
      const { rpID } = rp();
      const existing = await listWebauthnCredentials(db, user.id);
      const options = await (
        await webauthn()
      ).generateRegistrationOptions({
        rpName: await deps.siteName(),
        rpID,
        userName: user.login,
        userDisplayName: user.displayName,
        attestationType: 'none',
        excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
        authenticatorSelection: { residentKey: 'discouraged', userVerification: 'preferred' },
      });
      await setSessionChallenge(sessionId, options.challenge);
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
        verified = await (
          await webauthn()
        ).verifyRegistrationResponse({
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
        await setSessionChallenge(sessionId, null);
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
      await saveTwoFactorState(db, user.id, withProviderEnabled(state, 'webauthn'));
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
        if (state.enabled.includes('webauthn')) await enrolment.disable(user, 'webauthn');
      }
      return true;
    },

    /** Options for signing in with a key; the challenge is kept with the login challenge. */
    async webauthnAuthenticationOptions(user: User, challenge: LoginChallenge) {
      const { rpID } = rp();
      const credentials = await listWebauthnCredentials(db, user.id);
      const options = await (
        await webauthn()
      ).generateAuthenticationOptions({
        rpID,
        allowCredentials: credentials.map((c) => ({ id: c.id, transports: c.transports as never })),
        userVerification: 'preferred',
      });
      await setLoginWebauthnChallenge(db, challenge, options.challenge);
      return options;
    },

    /** An assertion for the login challenge's WebAuthn challenge; anything malformed is `false`. */
    async verifyWebauthnAssertion(
      user: User,
      webauthnResponse: unknown,
      challenge: LoginChallenge | undefined,
      now: number,
    ): Promise<boolean> {
      if (!challenge?.webauthnChallenge || typeof webauthnResponse !== 'string') return false;
      const expected = challenge.webauthnChallenge;
      let response: AuthenticationResponseJSON;
      try {
        response = JSON.parse(webauthnResponse) as AuthenticationResponseJSON;
      } catch {
        return false;
      }
      const credential = (await listWebauthnCredentials(db, user.id)).find(
        (c) => c.id === response?.id,
      );
      if (!credential) return false;
      const { rpID, origin } = rp();
      try {
        const result = await (
          await webauthn()
        ).verifyAuthenticationResponse({
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
        // The stored counter lets the library refuse a cloned key that reports an older count.
        await db
          .updateTable('webauthn_credentials')
          .set({ counter: result.authenticationInfo.newCounter, last_used: now })
          .where('id', '=', credential.id)
          .execute();
        await setLoginWebauthnChallenge(db, challenge, null);
        return true;
      } catch {
        return false;
      }
    },
  };
}
