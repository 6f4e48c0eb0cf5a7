import {
  burnVerificationTime,
  findUserByLoginOrEmail,
  verifyAccountPassword,
  type User,
} from '../accounts/index.js';
import { verifyApplicationPassword, type ApplicationPassword } from '../app-passwords/index.js';
import type { AppContext } from '../context.js';
import { effectiveUser } from '../scopes/index.js';
import { readSettings } from '../settings/index.js';
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
    // Counted before the check, given back when the credential is good (SPEC §7).
    const limit = await ctx.limiters.credentialFailures.reserve(client.addressKey);
    if (!limit.allowed) {
      this.failed = true;
      throw tooManyFailures();
    }
    const now = ctx.now();

    let expired = false;
    if (login !== '' && password !== '' && (await client.applicationPasswordsAvailable())) {
      const result = await verifyApplicationPassword(ctx.db, { login, password }, now);
      if (result.ok) {
        await limit.release();
        if (settings.applicationPasswordsDisabledRoles.includes(result.user.role))
          return this.fail();
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
      // The sign-in limiter reserves this attempt for the address itself.
      await limit.release();
      const user = await this.accountPassword(login, password);
      if (user) return { user, owner: user, appPassword: undefined };
      return this.fail();
    }
    return this.fail();
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
    const eligible = user !== undefined && !(await ctx.twoFactor.usesTwoFactor(user));
    const ok = eligible ? await verifyAccountPassword(user.passwordHash, password) : false;
    if (!eligible) await burnVerificationTime(password);
    if (!ok || !user) {
      await limit.fail();
      return undefined;
    }
    await limit.succeed();
    return user.disabled ? undefined : user;
  }

  /** The failure is already counted: by the address reservation, or by the sign-in limiter. */
  private async fail(): Promise<never> {
    const { ctx, client } = this;
    this.failed = true;
    ctx.auditBuffer.credentialFailure(client.ip, client.userAgent, ctx.now());
    throw badCredentials();
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
