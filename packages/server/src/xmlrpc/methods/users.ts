import {
  can,
  changesAccountCredentials,
  findUserById,
  isRole,
  listUsers,
  updateUser,
  type User,
  type UserChanges,
  type UserListQuery,
} from '../../accounts/index.js';
import { htmlToText, sanitizeTitleHtml } from '../../content/index.js';
import { readSettings } from '../../settings/index.js';
import { interactiveOnly, invalidParams, notFound, notPermitted, XmlRpcFault } from '../faults.js';
import type { XmlRpcPrincipal } from '../login.js';
import {
  BLOG_USER_PASS,
  fieldsParam,
  intParam,
  memberInt,
  memberString,
  structParam,
  type AuthenticatedCall,
  type MethodTable,
} from '../method.js';
import { newStruct, XmlRpcDateTime, type XmlRpcStruct, type XmlRpcValue } from '../values.js';

/** The one blog of this site, as `blogger.getUsersBlogs` lists it. */
async function usersBlogs(call: AuthenticatedCall): Promise<XmlRpcValue> {
  const { ctx, principal } = call;
  const site = ctx.config.siteUrl;
  const { title } = await readSettings(ctx.db);
  return [
    Object.assign(newStruct(), {
      isAdmin: can(principal.user, 'manage_options'),
      url: `${site}/`,
      blogid: '1',
      blogName: title,
      xmlrpc: `${site}/xmlrpc.php`,
    }),
  ];
}

const USER_FIELDS = [
  'username',
  'first_name',
  'last_name',
  'registered',
  'bio',
  'email',
  'nickname',
  'nicename',
  'url',
  'display_name',
  'roles',
];
const BASIC_FIELDS = ['username', 'email', 'registered', 'display_name', 'nicename'];

/** WordPress's `_prepare_user`: `user_id` always, then the fields asked for. */
function userStruct(user: User, fields: string[]) {
  const all: Record<string, XmlRpcValue> = {
    username: user.login,
    first_name: user.firstName,
    last_name: user.lastName,
    registered: XmlRpcDateTime.gmt(user.registered),
    bio: user.description,
    email: user.email,
    nickname: user.nickname,
    nicename: user.login.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-'),
    url: user.url,
    display_name: user.displayName,
    roles: [user.role],
  };
  const wanted = fields.includes('all')
    ? USER_FIELDS
    : [...fields, ...(fields.includes('basic') ? BASIC_FIELDS : [])];
  const out = Object.assign(newStruct(), { user_id: String(user.id) });
  for (const key of USER_FIELDS) if (wanted.includes(key)) out[key] = all[key]!;
  return out;
}

/** `fields` of `wp.getUser`, `wp.getUsers` and `wp.getProfile`: `all` unless given. */
const userFieldsParam = (call: AuthenticatedCall, index: number): string[] =>
  fieldsParam(call, index, ['all']);

const userRef = (user: User) => ({ id: user.id, role: user.role });

/** `wp.getUsers`' `orderby` values, as WP_User_Query names them. */
const USER_ORDER_BY: Record<string, NonNullable<UserListQuery['orderBy']>> = {
  ID: 'id',
  id: 'id',
  login: 'login',
  user_login: 'login',
  nicename: 'login',
  user_nicename: 'login',
  email: 'email',
  user_email: 'email',
  registered: 'registered',
  user_registered: 'registered',
  display_name: 'display_name',
  name: 'display_name',
};

/** WordPress's `who => authors`: users who can write (user level above 0). */
const AUTHOR_ROLES = ['administrator', 'editor', 'author', 'contributor'] as const;

/**
 * SPEC §3.2 [ours]: an application password (any scope, any ceiling) never changes its
 * account's password or email. WordPress's `wp.editProfile` changes neither; a struct that asks
 * for it is refused outright rather than silently ignored, so the rule is visible to the app. The
 * password is never compared with the current one: that would let an application password test
 * guesses of the account password.
 */
function refuseAccountTakeover(principal: XmlRpcPrincipal, content: XmlRpcStruct): void {
  if (!principal.appPassword) return;
  const given = (...keys: string[]) =>
    keys.map((key) => memberString(content, key)).find((v) => v !== undefined && v !== '');
  const change = {
    email: given('email', 'user_email')?.trim(),
    password: given('password', 'user_pass'),
  };
  // The same rule as REST's (accounts/interactiveOnly.ts).
  if (changesAccountCredentials(principal.owner, change)) throw interactiveOnly();
}

const isWebAddress = (text: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
};

/** `wp.editProfile`'s content struct to account changes (WordPress's names). */
function profileChanges(user: User, content: XmlRpcStruct): UserChanges {
  const changes: UserChanges = {};
  const text = (key: string) => {
    const value = memberString(content, key);
    return value === undefined ? undefined : htmlToText(value).trim();
  };
  const firstName = text('first_name');
  if (firstName !== undefined) changes.firstName = firstName;
  const lastName = text('last_name');
  if (lastName !== undefined) changes.lastName = lastName;
  const displayName = text('display_name');
  if (displayName !== undefined) changes.displayName = displayName;
  const nickname = text('nickname');
  // WordPress keeps a nickname: an empty one falls back to the login.
  if (nickname !== undefined) changes.nickname = nickname || user.login;
  const url = memberString(content, 'url')?.trim();
  if (url !== undefined) {
    if (url !== '' && !isWebAddress(url))
      throw invalidParams('Member url must be an http or https address.');
    changes.url = url;
  }
  const bio = memberString(content, 'bio');
  if (bio !== undefined)
    changes.description = can(user, 'unfiltered_html') ? bio : sanitizeTitleHtml(bio);
  // `nicename` is accepted and ignored: Latchkey derives it from the login.
  return changes;
}

/**
 * Blogs and one's own profile (content tier); other users, the site's authors and changes to
 * one's profile are `full` (SPEC §5: a content password only reads its own profile).
 */
export const userMethods: MethodTable = {
  'blogger.getUsersBlogs': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: usersBlogs,
  },
  'metaWeblog.getUsersBlogs': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: usersBlogs,
  },
  'wp.getUsersBlogs': {
    tier: 'content',
    credentials: { user: 0, password: 1 },
    minArgs: 2,
    handler: usersBlogs,
  },
  'blogger.getUserInfo': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async ({ principal }) => {
      const user = principal.user;
      if (!can(user, 'edit_posts'))
        throw notPermitted('Sorry, you are not allowed to access user data on this site.');
      return Object.assign(newStruct(), {
        nickname: user.nickname,
        userid: String(user.id),
        url: user.url,
        lastname: user.lastName,
        firstname: user.firstName,
      });
    },
  },
  'wp.getProfile': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      const user = call.principal.user;
      if (!can(user, 'edit_posts'))
        throw notPermitted('Sorry, you are not allowed to edit your profile.');
      return userStruct(user, userFieldsParam(call, 3));
    },
  },
  'wp.getUser': {
    tier: 'full',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const actor = call.principal.user;
      const id = intParam(call, 3, 'user_id');
      const fields = userFieldsParam(call, 4);
      const target = await findUserById(call.ctx.db, id);
      // WordPress asks edit_user first: without edit_users a missing user is "not allowed" too.
      const allowed = target
        ? can(actor, { capability: 'edit_user', user: userRef(target) })
        : id === actor.id || can(actor, 'edit_users');
      if (!allowed) throw notPermitted('Sorry, you are not allowed to edit this user.');
      if (!target) throw notFound('Invalid user ID.');
      return userStruct(target, fields);
    },
  },
  'wp.getUsers': {
    tier: 'full',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      const actor = call.principal.user;
      const filter = structParam(call, 3, 'filter');
      const fields = userFieldsParam(call, 4);
      if (!can(actor, 'list_users'))
        throw notPermitted('Sorry, you are not allowed to list users.');
      const number = Math.abs(memberInt(filter, 'number') ?? 50);
      const offset = Math.abs(memberInt(filter, 'offset') ?? 0);
      const role = memberString(filter, 'role');
      if (role !== undefined && !isRole(role)) throw new XmlRpcFault(403, 'Invalid role.');
      const who = memberString(filter, 'who');
      const orderBy = USER_ORDER_BY[memberString(filter, 'orderby') ?? 'login'] ?? 'login';
      const order = memberString(filter, 'order')?.toLowerCase() === 'desc' ? 'desc' : 'asc';
      // `number` 0 means all, as in WP_User_Query; a window from the start keeps any offset.
      const window = Math.min(offset + (number === 0 ? 10_000 : number), 10_000);
      const { users } = await listUsers(call.ctx.db, {
        page: 1,
        perPage: Math.max(1, window),
        orderBy,
        order,
        ...(role !== undefined
          ? { roles: [role] }
          : who === 'authors'
            ? { roles: [...AUTHOR_ROLES] }
            : {}),
      });
      return users
        .slice(offset, number === 0 ? undefined : offset + number)
        .filter((u) => can(actor, { capability: 'edit_user', user: userRef(u) }))
        .map((u) => userStruct(u, fields));
    },
  },
  'wp.editProfile': {
    tier: 'full',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const { ctx, principal } = call;
      if (!can(principal.user, { capability: 'edit_user', user: userRef(principal.user) }))
        throw notPermitted('Sorry, you are not allowed to edit your profile.');
      const content = structParam(call, 3, 'content_struct');
      refuseAccountTakeover(principal, content);
      const owner = (await findUserById(ctx.db, principal.owner.id)) ?? principal.owner;
      await updateUser(ctx.db, owner, profileChanges(principal.user, content));
      return true;
    },
  },
  'wp.getAuthors': {
    tier: 'full',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async ({ ctx, principal }) => {
      if (!can(principal.user, 'edit_posts'))
        throw notPermitted('Sorry, you are not allowed to edit posts.');
      const out: XmlRpcValue[] = [];
      for (let page = 1; ; page++) {
        const { users, total } = await listUsers(ctx.db, {
          page,
          perPage: 100,
          roles: ['administrator', 'editor', 'author', 'contributor'],
          orderBy: 'display_name',
          order: 'asc',
        });
        for (const user of users)
          out.push(
            Object.assign(newStruct(), {
              user_id: String(user.id),
              user_login: user.login,
              display_name: user.displayName,
            }),
          );
        if (page * 100 >= total || users.length === 0) break;
      }
      return out;
    },
  },
};
