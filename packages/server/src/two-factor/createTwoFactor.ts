import { randomUUID } from 'node:crypto';
import type { User } from '../accounts/index.js';
import { createAttempts } from './attempts.js';
import type { TwoFactorDeps } from './deps.js';
import { createEnrolment } from './enrolment.js';
import { createEnrolmentFacts } from './enrolmentFacts.js';
import { createLoginChallenges, type LoginChallenge } from './loginChallenges.js';
import { normalizeCode } from './policies.js';
import { createBackupCodesProvider } from './providers/backupCodes.js';
import { createEmailProvider } from './providers/email.js';
import { createTotpProvider } from './providers/totp.js';
import { createWebauthnProvider } from './providers/webauthn.js';
import type { ProviderId } from './providers.js';
import { loadTwoFactorState } from './state.js';

/**
 * Everything the second factor needs, behind one small object built at start (the context's
 * `twoFactor`, and the CLI's). Each part lives in its own module; this only puts them together
 * and routes a sign-in attempt to its provider.
 */
export function createTwoFactor(deps: TwoFactorDeps) {
  const enrolmentFacts = createEnrolmentFacts(deps);
  const enrolment = createEnrolment(deps);
  const challenges = createLoginChallenges(deps);
  const attempts = createAttempts(deps);
  const totp = createTotpProvider(deps);
  const email = createEmailProvider(deps);
  const backupCodes = createBackupCodesProvider(deps);
  const webauthn = createWebauthnProvider(deps, enrolment);

  /** Checks a code (or assertion) for a provider; a success consumes it (single use, replay rule). */
  async function verify(
    user: User,
    provider: ProviderId,
    input: { code?: unknown; webauthnResponse?: unknown; challenge?: LoginChallenge },
  ): Promise<boolean> {
    const now = deps.now();
    const state = await loadTwoFactorState(deps.db, user.id);
    const code = normalizeCode(input.code);
    switch (provider) {
      case 'totp':
        return totp.verifyTotpCode(user, state, code, now);
      case 'email':
        return email.verifyEmailCode(user, state, code, now);
      case 'backup_codes':
        return backupCodes.verifyBackupCode(user, code, now);
      case 'webauthn':
        return webauthn.verifyWebauthnAssertion(user, input.webauthnResponse, input.challenge, now);
    }
  }

  return {
    facts: enrolmentFacts.facts,
    usesTwoFactor: enrolmentFacts.usesTwoFactor,
    status: enrolmentFacts.status,

    createChallenge: challenges.createChallenge,
    findChallenge: challenges.findChallenge,
    consumeChallenge: challenges.consumeChallenge,
    clearChallenges: challenges.clearChallenges,

    beginAttempt: attempts.beginAttempt,
    endAttempt: attempts.endAttempt,
    secondsToWait: attempts.secondsToWait,
    verify,
    recordSuccess: attempts.recordSuccess,
    recordFailure: attempts.recordFailure,
    offerEmailCode: email.offerEmailCode,

    beginTotpSetup: totp.beginTotpSetup,
    pendingTotpSetup: totp.pendingTotpSetup,
    confirmTotp: totp.confirmTotp,
    sendProofCode: email.sendProofCode,
    confirmProofCode: email.confirmProofCode,
    regenerateBackupCodes: backupCodes.regenerateBackupCodes,
    disable: enrolment.disable,
    setPrimary: enrolment.setPrimary,
    reset: enrolment.reset,

    webauthnRegistrationOptions: webauthn.webauthnRegistrationOptions,
    webauthnRegister: webauthn.webauthnRegister,
    webauthnRemove: webauthn.webauthnRemove,
    webauthnAuthenticationOptions: webauthn.webauthnAuthenticationOptions,

    newId: () => randomUUID(),
  };
}

export type TwoFactor = ReturnType<typeof createTwoFactor>;
