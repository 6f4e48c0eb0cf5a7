import { describe, expect, it } from 'vitest';
import { AccountError } from '../accounts/errors.js';
import { CredentialLimitError } from '../app-passwords/limits.js';
import { AuthorizeCodeError } from '../authorize-app/authorizeCodes.js';
import { ConfigError } from '../config/loadConfig.js';
import { ContentError } from '../content/errors.js';
import { SettingsError } from '../settings/applySettingsChange.js';
import { TwoFactorError } from '../two-factor/errors.js';
import { WordpressImportError } from '../wordpress-import/errors.js';
import { LatchkeyError, wireOf } from './index.js';

describe('one error model: every domain error is a LatchkeyError with a stable code', () => {
  const errors = [
    new AccountError('unknown_user', 'No such user.'),
    new ContentError('term_exists', 'A term with the name provided already exists.', {
      term_id: 7,
    }),
    new TwoFactorError('latchkey_email_throttled', 'Wait 42 seconds.', 42),
    new AuthorizeCodeError('latchkey_pkce_mismatch', 'The code verifier does not match.'),
    new SettingsError('rest_invalid_param', 'Invalid parameter(s): title', { title: 'Too long.' }),
    new CredentialLimitError('role_ceiling', 'The ceiling must not be above your role.'),
    new ConfigError('invalid --port'),
    new WordpressImportError('not_wordpress', 'No WordPress tables with the prefix wp_.'),
  ];

  it('shares the base class, names itself, and keeps its code', () => {
    for (const error of errors) {
      expect(error).toBeInstanceOf(LatchkeyError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(error.constructor.name);
      expect(typeof error.code).toBe('string');
    }
  });

  it('is answered from one table: status, fault, wire code, data, Retry-After', () => {
    expect(wireOf(errors[0])).toMatchObject({
      status: 404,
      fault: 404,
      code: 'rest_user_invalid_id',
      message: 'No such user.',
    });
    expect(wireOf(errors[1])).toMatchObject({ status: 400, fault: 500, data: { term_id: 7 } });
    expect(wireOf(errors[2])).toMatchObject({ status: 429, headers: { 'retry-after': '42' } });
    expect(wireOf(errors[3])).toMatchObject({ status: 400, code: 'latchkey_pkce_mismatch' });
    expect(wireOf(errors[4])).toMatchObject({
      status: 400,
      code: 'rest_invalid_param',
      data: { params: { title: 'Too long.' } },
    });
    expect(wireOf(errors[5])).toMatchObject({
      status: 400,
      code: 'rest_invalid_param',
      message: 'Invalid parameter(s): role_ceiling',
      data: { params: { role_ceiling: 'The ceiling must not be above your role.' } },
    });
  });

  it('has no answer for what is not a request-time domain error (a 500 then)', () => {
    // Command-line errors: never answered over HTTP or XML-RPC.
    expect(wireOf(errors[6])).toBeUndefined();
    expect(wireOf(errors[7])).toBeUndefined();
    expect(wireOf(new Error('boom'))).toBeUndefined();
    expect(wireOf(new LatchkeyError('something_new', 'unlisted'))).toBeUndefined();
  });
});
