import type { Kysely, Transaction } from 'kysely';
import { insertImportedUser } from '../accounts/importedUser.js';
import { importApplicationPassword } from '../app-passwords/records.js';
import { recordAuditEvent } from '../audit/events.js';
import {
  findTermIdBySlug,
  insertImportedMedia,
  insertImportedPost,
  insertImportedTerm,
  setImportedPostLinks,
  setImportedTermParent,
} from '../content/imported.js';
import { readSettings, writeSettingRows, type SiteSettings } from '../settings/index.js';
import type { Database } from '../store/index.js';
import { saveImportedTwoFactor } from '../two-factor/importedState.js';
import { WordpressImportError, type UserConflict } from './errors.js';
import { ImportIds } from './importIds.js';
import { counts, type ImportKind, type ImportReport } from './report.js';
import type { ContentPlan } from './translateSite.js';
import type { UserPlan } from './translateUsers.js';

export interface ImportPlan {
  /** The WordPress site, as the id map names it. */
  site: string;
  settings: Partial<Pick<SiteSettings, 'title' | 'description' | 'timezone'>>;
  users: UserPlan[];
  content: ContentPlan | undefined;
}

export interface WriteResult {
  imported: Record<ImportKind, number>;
  unchanged: Record<ImportKind, number>;
  /** Whether the store differs afterwards (false on a repeated run). */
  changed: boolean;
}

export interface WriteOptions {
  now: number;
  dryRun: boolean;
  /** Seals a TOTP secret with the installation key (crypto.sealSecret with keys.secretBox). */
  sealTotpSecret(secret: string): string;
}

class DryRunDone extends Error {
  constructor(readonly result: WriteResult) {
    super('dry run');
  }
}

const GONE_REASON =
  'imported by an earlier run and deleted in Latchkey since: it is not brought back';

/**
 * Writes the plan in one transaction: everything or nothing. Conflicting store users are looked
 * for before any write and refuse the whole import. A dry run does every write and rolls back,
 * so it reports exactly what a real run would do.
 */
export async function writeImport(
  db: Kysely<Database>,
  plan: ImportPlan,
  report: ImportReport,
  options: WriteOptions,
): Promise<WriteResult> {
  try {
    return await db.transaction().execute(async (tx) => {
      const result = await write(tx, plan, report, options);
      if (options.dryRun) throw new DryRunDone(result);
      return result;
    });
  } catch (error) {
    if (error instanceof DryRunDone) return error.result;
    throw error;
  }
}

async function write(
  tx: Transaction<Database>,
  plan: ImportPlan,
  report: ImportReport,
  options: WriteOptions,
): Promise<WriteResult> {
  const imported = counts();
  const unchanged = counts();
  const ids = await ImportIds.load(tx, plan.site);

  // 1. Who is who: every WordPress user is either one this site's import created, or new.
  const storeUsers = await tx
    .selectFrom('users')
    .select(['id', 'login', 'login_key', 'email', 'email_key'])
    .execute();
  const byId = new Map(storeUsers.map((u) => [Number(u.id), u]));
  const byLogin = new Map(storeUsers.map((u) => [u.login_key, u]));
  const byEmail = new Map(storeUsers.map((u) => [u.email_key, u]));
  const conflicts: UserConflict[] = [];
  const fresh: UserPlan[] = [];
  const existing: Array<{ plan: UserPlan; id: number }> = [];
  for (const user of plan.users) {
    const mapped = ids.get('user', user.wpId);
    if (mapped !== undefined) {
      if (byId.has(mapped)) existing.push({ plan: user, id: mapped });
      else report.skip('users', user.user.login, 'not_in_store_since_first_import', GONE_REASON);
      continue;
    }
    const sameLogin = byLogin.get(user.user.login.toLowerCase());
    const sameEmail = byEmail.get(user.user.email.toLowerCase());
    for (const other of new Set([sameLogin, sameEmail])) {
      if (!other) continue;
      conflicts.push({
        wordpress: { id: user.wpId, login: user.user.login, email: user.user.email },
        store: { id: Number(other.id), login: other.login, email: other.email },
        same: [
          ...(other === sameLogin ? (['login'] as const) : []),
          ...(other === sameEmail ? (['email'] as const) : []),
        ],
      });
    }
    if (!sameLogin && !sameEmail) fresh.push(user);
  }
  if (conflicts.length > 0)
    throw new WordpressImportError(
      'conflicting_users',
      `the store already holds ${conflicts.length === 1 ? 'a user' : `${conflicts.length} users`} with the login or email of a WordPress user, not imported from this site; nothing was written`,
      conflicts,
    );

  // 2. Users, their application passwords and second factors.
  const storeIdOf = new Map<number, number>();
  for (const { plan: user, id } of existing) {
    storeIdOf.set(user.wpId, id);
    unchanged.users++;
    if (user.twoFactor) unchanged.two_factor++;
  }
  for (const user of fresh) {
    const id = await insertImportedUser(tx, {
      ...user.user,
      emailVerifiedAt: user.emailVerified ? options.now : null,
    });
    storeIdOf.set(user.wpId, id);
    ids.add('user', user.wpId, id);
    imported.users++;
    await recordAuditEvent(
      tx,
      {
        event: 'user.created',
        userId: id,
        ip: 'cli',
        userAgent: 'latchkey-cli',
        credential: 'cli',
        details: { role: user.user.role, imported_from: plan.site, wordpress_id: user.wpId },
      },
      options.now,
    );
    if (user.twoFactor) {
      const tf = user.twoFactor;
      await saveImportedTwoFactor(tx, id, {
        enabled: tf.enabled,
        primary: tf.primary,
        totpSecretSealed: tf.totpSecret === null ? null : options.sealTotpSecret(tf.totpSecret),
        totpLastStep: tf.totpLastStep,
        backupCodeHashes: tf.backupCodeHashes,
      });
      imported.two_factor++;
    }
  }
  await writeApplicationPasswords(tx, plan.users, storeIdOf, new Set(fresh), report, {
    imported,
    unchanged,
  });

  // 3. Site settings, once per site: a later run never undoes a change made in Latchkey.
  const settingNames = Object.keys(plan.settings) as Array<keyof typeof plan.settings>;
  if (ids.get('site', 0) !== undefined) unchanged.settings += settingNames.length;
  else {
    const current = await readSettings(tx);
    const changes: Partial<SiteSettings> = {};
    for (const name of settingNames) {
      if (current[name] === plan.settings[name]) unchanged.settings++;
      else {
        Object.assign(changes, { [name]: plan.settings[name] });
        imported.settings++;
      }
    }
    await writeSettingRows(tx, changes);
    ids.add('site', 0, 0);
  }

  // 4. Content.
  if (plan.content)
    await writeContent(tx, plan.content, ids, storeIdOf, report, { imported, unchanged });

  await ids.flush();
  const changed = ids.added > 0 || Object.values(imported).some((n) => n > 0);
  return { imported, unchanged, changed };
}

async function writeApplicationPasswords(
  tx: Transaction<Database>,
  users: UserPlan[],
  storeIdOf: Map<number, number>,
  fresh: Set<UserPlan>,
  report: ImportReport,
  tally: { imported: Record<ImportKind, number>; unchanged: Record<ImportKind, number> },
): Promise<void> {
  const wanted = users.flatMap((u) => u.applicationPasswords.map((ap) => ap.uuid));
  const owners = new Map<string, number>();
  for (let i = 0; i < wanted.length; i += 500) {
    const rows = await tx
      .selectFrom('application_passwords')
      .select(['uuid', 'user_id'])
      .where('uuid', 'in', wanted.slice(i, i + 500))
      .execute();
    for (const r of rows) owners.set(r.uuid, Number(r.user_id));
  }
  for (const user of users) {
    const userId = storeIdOf.get(user.wpId);
    if (userId === undefined) continue;
    for (const ap of user.applicationPasswords) {
      const owner = owners.get(ap.uuid);
      const item = `${user.user.login}: ${ap.uuid}`;
      if (owner === userId) tally.unchanged.application_passwords++;
      else if (owner !== undefined)
        report.skip(
          'application_passwords',
          item,
          'uuid_in_use',
          'another Latchkey user already has an application password with this uuid',
        );
      else if (!fresh.has(user))
        report.skip(
          'application_passwords',
          item,
          'not_in_store_since_first_import',
          'its user was imported by an earlier run and it is not in Latchkey: revoked there since, or created in WordPress after that run; it is not brought over',
        );
      else {
        await importApplicationPassword(tx, {
          uuid: ap.uuid,
          userId,
          appId: ap.appId,
          name: ap.name,
          passwordHash: ap.passwordHash,
          created: ap.created,
          lastUsed: ap.lastUsed,
          lastIp: ap.lastIp,
        });
        owners.set(ap.uuid, userId);
        tally.imported.application_passwords++;
      }
    }
  }
}

async function writeContent(
  tx: Transaction<Database>,
  content: ContentPlan,
  ids: ImportIds,
  storeIdOf: Map<number, number>,
  report: ImportReport,
  tally: { imported: Record<ImportKind, number>; unchanged: Record<ImportKind, number> },
): Promise<void> {
  const { imported, unchanged } = tally;
  const termKind = (t: { taxonomy: string }) => (t.taxonomy === 'category' ? 'categories' : 'tags');

  const newTerms: Array<{ id: number; parentWpId: number }> = [];
  for (const term of content.terms) {
    const kind = termKind(term);
    const mapped = ids.get('term', term.wpId);
    if (mapped !== undefined) {
      const still = await tx
        .selectFrom('terms')
        .select('id')
        .where('id', '=', mapped)
        .executeTakeFirst();
      if (still) unchanged[kind]++;
      else report.skip(kind, term.slug, 'not_in_store_since_first_import', GONE_REASON);
      continue;
    }
    const same = await findTermIdBySlug(tx, term.taxonomy, term.slug);
    if (same !== undefined) {
      // A category or tag of the same slug is the same term: posts are filed under it.
      ids.add('term', term.wpId, same);
      unchanged[kind]++;
      report.note(
        `${kind === 'categories' ? 'category' : 'tag'} ${term.slug}: already in Latchkey, used as it is`,
      );
      continue;
    }
    const id = await insertImportedTerm(tx, term);
    ids.add('term', term.wpId, id);
    newTerms.push({ id, parentWpId: term.parentWpId });
    imported[kind]++;
  }
  for (const t of newTerms) {
    const parent = t.parentWpId ? ids.get('term', t.parentWpId) : undefined;
    if (parent !== undefined) await setImportedTermParent(tx, t.id, parent);
  }

  const newPosts: Array<{ id: number; parentWpId: number; featuredWpId: number }> = [];
  for (const p of content.posts) {
    const kind = p.post.type === 'page' ? 'pages' : 'posts';
    const item = p.post.slug || `#${p.wpId}`;
    const mapped = ids.get('post', p.wpId);
    if (mapped !== undefined) {
      const still = await tx
        .selectFrom('posts')
        .select('id')
        .where('id', '=', mapped)
        .executeTakeFirst();
      if (still) unchanged[kind]++;
      else report.skip(kind, item, 'not_in_store_since_first_import', GONE_REASON);
      continue;
    }
    const authorId = storeIdOf.get(p.authorWpId);
    if (authorId === undefined) {
      report.skip(
        kind,
        item,
        'author_not_imported',
        `its author (WordPress user ${p.authorWpId}) was not imported`,
      );
      continue;
    }
    const termIds = (wpIds: number[]) =>
      wpIds.map((id) => ids.get('term', id)).filter((id): id is number => id !== undefined);
    const { id } = await insertImportedPost(tx, {
      ...p.post,
      authorId,
      categories: termIds(p.categoryWpIds),
      tags: termIds(p.tagWpIds),
    });
    ids.add('post', p.wpId, id);
    newPosts.push({ id, parentWpId: p.parentWpId, featuredWpId: p.featuredWpId });
    imported[kind]++;
  }

  for (const a of content.attachments) {
    const item = a.media.slug || `#${a.wpId}`;
    const mapped = ids.get('attachment', a.wpId);
    if (mapped !== undefined) {
      const still = await tx
        .selectFrom('media')
        .select('id')
        .where('id', '=', mapped)
        .executeTakeFirst();
      if (still) unchanged.attachments++;
      else report.skip('attachments', item, 'not_in_store_since_first_import', GONE_REASON);
      continue;
    }
    const authorId = storeIdOf.get(a.authorWpId);
    if (authorId === undefined) {
      report.skip(
        'attachments',
        item,
        'author_not_imported',
        `its author (WordPress user ${a.authorWpId}) was not imported`,
      );
      continue;
    }
    const id = await insertImportedMedia(tx, {
      ...a.media,
      authorId,
      postId: (a.parentWpId && ids.get('post', a.parentWpId)) || 0,
    });
    ids.add('attachment', a.wpId, id);
    imported.attachments++;
  }

  for (const p of newPosts) {
    const parent = (p.parentWpId && ids.get('post', p.parentWpId)) || 0;
    const featured = (p.featuredWpId && ids.get('attachment', p.featuredWpId)) || 0;
    if (parent || featured)
      await setImportedPostLinks(tx, p.id, { parent, featuredMedia: featured });
  }
}
