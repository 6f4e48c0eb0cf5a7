/** The second factors, in the order the sign-in page offers them. */
export const PROVIDERS = ['totp', 'webauthn', 'email', 'backup_codes'] as const;
export type ProviderId = (typeof PROVIDERS)[number];

export const PROVIDER_LABELS: Record<ProviderId, string> = {
  totp: 'Authenticator app',
  webauthn: 'Security key',
  email: 'Email code',
  backup_codes: 'Recovery code',
};

/** Link text on the sign-in page for switching to another method. */
export const PROVIDER_SWITCH_LABELS: Record<ProviderId, string> = {
  totp: 'Use your authenticator app',
  webauthn: 'Use a security key',
  email: 'Email me a code',
  backup_codes: 'Use a recovery code',
};

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && (PROVIDERS as readonly string[]).includes(value);
}

export interface TwoFactorFacts {
  enabled: readonly ProviderId[];
  primary: ProviderId | null;
  hasTotpSecret: boolean;
  backupCodesRemaining: number;
  webauthnCount: number;
  emailVerified: boolean;
  emailFallback: boolean;
}

/** A user "uses two-factor" once any provider is enabled, usable right now or not (no fail-open). */
export function usesTwoFactor(facts: Pick<TwoFactorFacts, 'enabled'>): boolean {
  return facts.enabled.length > 0;
}

/** Providers that can complete a sign-in now, the email fallback included when it applies. */
export function availableProviders(facts: TwoFactorFacts): ProviderId[] {
  const out: ProviderId[] = [];
  for (const id of PROVIDERS) {
    const enabled = facts.enabled.includes(id);
    if (id === 'totp' && enabled && facts.hasTotpSecret) out.push(id);
    if (id === 'webauthn' && enabled && facts.webauthnCount > 0) out.push(id);
    if (id === 'backup_codes' && enabled && facts.backupCodesRemaining > 0) out.push(id);
    // Codes go only to a verified address: changing the email (by whatever means) must not
    // redirect them until the new address is proven.
    if (
      id === 'email' &&
      facts.emailVerified &&
      (enabled || (usesTwoFactor(facts) && facts.emailFallback))
    ) {
      out.push(id);
    }
  }
  return out;
}

/** The provider the sign-in page opens with: the chosen primary when usable, else the first usable. */
export function primaryProvider(facts: TwoFactorFacts): ProviderId | null {
  const available = availableProviders(facts);
  if (facts.primary && available.includes(facts.primary)) return facts.primary;
  return available.find((p) => p !== 'backup_codes') ?? available[0] ?? null;
}

/** The enabled list and primary once a provider is enabled: without a primary yet, it becomes one. */
export function withProviderEnabled(
  facts: Pick<TwoFactorFacts, 'enabled' | 'primary'>,
  id: ProviderId,
): { enabled: ProviderId[]; primary: ProviderId } {
  return { enabled: [...facts.enabled, id], primary: facts.primary ?? id };
}
