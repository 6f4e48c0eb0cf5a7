import { can, listUsers, type User } from '../../accounts/index.js';
import { readSettings } from '../../settings/index.js';
import { notPermitted } from '../faults.js';
import { arrayParam, BLOG_USER_PASS, type AuthenticatedCall, type MethodTable } from '../method.js';
import { newStruct, XmlRpcDateTime, type XmlRpcValue } from '../values.js';

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

/** Blogs, one's own profile (content tier) and the site's authors (full: it lists users). */
export const userMethods: MethodTable = {
  'blogger.getUsersBlogs': {
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
      const fields =
        call.params[3] === undefined
          ? ['all']
          : arrayParam(call, 3, 'fields').map((f) => String(f));
      return userStruct(user, fields);
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
