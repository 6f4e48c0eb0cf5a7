/**
 * SPEC §3.2 [ours]: an application password never takes over its account. Whatever its scope or
 * ceiling, it cannot change the account password or email address (the email is where a reset
 * or the second-factor fallback goes), nor any second factor: those need a person at a browser
 * with a recent sign-in. REST and XML-RPC both ask this one question.
 */
export const INTERACTIVE_ONLY = {
  code: 'latchkey_interactive_only',
  message: 'This change needs an interactive sign-in.',
} as const;

export interface AccountCredentialChange {
  email?: string | undefined;
  password?: string | undefined;
}

/** True when the change would set a password, or move the email address elsewhere. */
export function changesAccountCredentials(
  current: { email: string },
  change: AccountCredentialChange,
): boolean {
  if (change.password !== undefined) return true;
  return change.email !== undefined && change.email.toLowerCase() !== current.email.toLowerCase();
}
