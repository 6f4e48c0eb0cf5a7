import {
  burnVerificationTime,
  findUserByLoginOrEmail,
  verifyAndUpgradeAccountPassword,
  type User,
} from '../accounts/index.js';
import { verifyApplicationPassword, type ApplicationPassword } from '../app-passwords/index.js';
import type { AppContext } from '../context.js';
import { effectiveUser } from '../scopes/index.js';
import { readSettings } from '../settings/index.js';
import { settleSignIn } from '../rate-limit/index.js';
import { badCredentials, XmlRpcFault } from './faults.js';

/** Who an authenticated XML-RPC call acts as. */
export interface XmlRpcPrincipal {
  /** What capability checks see: the owner, lowered to the password's role ceiling. */
  user: User;
  owner: User;
  /** The application password used, or undefined for the account password. */
  appPassword: ApplicationPassword | undefined;
}

/** What the HTTP layer tells about the request. */
export interface XmlRpcClient {
  ip: string;
  /** The key the per-address limits count under (IPv6 grouped by /64). */
  addressKey: string;
  userAgent: string;
  /** Whether application passwords may be used on this request (§3.2). */
  applicationPasswordsAvailable(): Promise<boolean>;
}

export const DISABLED_MESSAGE = 'XML-RPC services are disabled on this site.';

const tooManyFailures = () =>
  new XmlRpcFault(429, 'Too many failed attempts from your address. Try again later.');

/**
 * The credentials of one HTTP request. After one failed login every later login of the same
 * request fails without being tried, as in WordPress: a `system.multicall` cannot carry a
 * thousand password guesses.
 */
export class XmlRpcLogin {
  private failed = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly client: XmlRpcClient,
  ) {}

  async login(login: string, password: string): Promise<XmlRpcPrincipal> {
    const { ctx, client } = this;
    const settings = await readSettings(ctx.db);
    if (!settings.xmlrpcEnabled) throw new XmlRpcFault(405, DISABLED_MESSAGE);
    if (this.failed) throw badCredentials();
    // A good credential writes nothing; a failure is counted when it happens (SPEC §7).
    const limit = await ctx.limiters.credentialFailures.check(client.addressKey);
    if (!limit.allowed) {
      this.failed = true;
      ctx.metrics.auth.inc({ via: 'xmlrpc', outcome: 'limited' });
      ctx.metrics.rateLimitRefusals.inc({ limit: 'credential_failures' });
      throw tooManyFailures();
    }
    const now = ctx.now();

    let expired = false;
    if (login !== '' && password !== '' && (await client.applicationPasswordsAvailable())) {
      const result = await verifyApplicationPassword(
        ctx.db,
        { login, password },
        now,
        ctx.credentialCache,
      );
      ctx.metrics.auth.inc({
        via: 'xmlrpc',
        outcome: result.ok ? 'ok' : result.reason === 'expired' ? 'expired' : 'wrong',
      });
      if (result.ok) {
        if (settings.applicationPasswordsDisabledRoles.includes(result.user.role))
          return this.fail(false);
        this.recordUse(result.user, result.record, now);
        return {
          user: effectiveUser(result.user, result.record),
          owner: result.user,
          appPassword: result.record,
        };
      }
      expired = result.reason === 'expired';
    }

    if (!expired && settings.xmlrpcAccountPasswords && login !== '' && password !== '') {
      const user = await this.accountPassword(login, password);
      if (user) return { user, owner: user, appPassword: undefined };
      // The sign-in limiter has counted this failure for the address already.
      return this.fail(false);
    }
    return this.fail(true);
  }

  /**
   * The account password, for users without two-factor. Goes through the sign-in limits
   * (per account and address, per account), so XML-RPC is no side door for guessing.
   */
  private async accountPassword(login: string, password: string): Promise<User | undefined> {
    const { ctx, client } = this;
    const user = await findUserByLoginOrEmail(ctx.db, login);
    const accountKey = user
      ? `user:${user.id}`
      : `name:${login.trim().toLowerCase().slice(0, 254)}`;
    const limit = await ctx.limiters.signIn.begin(accountKey, client.addressKey);
    if (!limit.allowed) {
      this.failed = true;
      throw tooManyFailures();
    }
    // Users with two-factor never get in with the account password over the API; the work is
    // spent all the same, so timing does not tell them apart.
    const ok = await settleSignIn(limit, async () => {
      // A single-use password (the first administrator's, SPEC §6.5) is for /login only.
      const eligible =
        user !== undefined &&
        !user.passwordMustChange &&
        !(await ctx.twoFactor.usesTwoFactor(user));
      if (!eligible) {
        await burnVerificationTime(password);
        return false;
      }
      // An imported WordPress hash is replaced with argon2id here too, as at interactive sign-in.
      return verifyAndUpgradeAccountPassword(ctx.db, user, password);
    });
    if (!ok || !user) return undefined;
    return user.disabled ? undefined : user;
  }

  /**
   * Counts the failure for the address (unless the sign-in limiter did) and answers it: past the
   * allowance with the 429 fault, which says nothing about the guess.
   */
  private async fail(count: boolean): Promise<never> {
    const { ctx, client } = this;
    this.failed = true;
    const decision = count
      ? await ctx.limiters.credentialFailures.recordFailure(client.addressKey)
      : { allowed: true };
    ctx.auditBuffer.credentialFailure(client.ip, client.userAgent, ctx.now());
    throw decision.allowed ? badCredentials() : tooManyFailures();
  }

  /** Last use and a new address, batched like REST's (no write on the request path). */
  private recordUse(user: User, record: ApplicationPassword, now: number): void {
    const { ctx, client } = this;
    const known = ctx.lastUsed.overlay(record);
    if (known.lastIp !== client.ip) {
      ctx.auditBuffer.add(
        {
          event: 'app_password.new_ip',
          userId: user.id,
          ip: client.ip,
          userAgent: client.userAgent,
          credential: `app_password:${record.uuid}`,
          details: { previous_ip: known.lastIp },
        },
        now,
      );
    }
    ctx.lastUsed.record(record.uuid, now, client.ip);
  }
}
