import type { Connection, RowDataPacket } from 'mysql2/promise';
import { WordpressImportError } from './errors.js';
import { describeMysqlTarget, type MysqlTarget } from './mysqlUrl.js';

/** What the importer reads of a WordPress database, as WordPress stored it (no interpretation). */
export interface WordpressSite {
  tablePrefix: string;
  options: Map<string, string>;
  users: WordpressUserRow[];
  /** Per user id, per meta key: the value (WordPress's get_user_meta(…, true): the first row). */
  userMeta: Map<number, Map<string, string>>;
  content: WordpressContent | undefined;
}

export interface WordpressUserRow {
  id: number;
  login: string;
  pass: string;
  email: string;
  url: string;
  /** UTC, `YYYY-MM-DD HH:MM:SS` (WordPress stores user_registered in GMT). */
  registered: string;
  displayName: string;
}

export interface WordpressTermRow {
  termId: number;
  taxonomy: string;
  name: string;
  slug: string;
  description: string;
  /** A term_id (WordPress's term_taxonomy.parent), 0 for none. */
  parent: number;
}

export interface WordpressPostRow {
  id: number;
  type: string;
  author: number;
  /** Site time and UTC; UTC is `0000-00-00 00:00:00` for a draft nobody dated. */
  date: string;
  dateGmt: string;
  modified: string;
  modifiedGmt: string;
  content: string;
  title: string;
  excerpt: string;
  status: string;
  commentStatus: string;
  pingStatus: string;
  password: string;
  name: string;
  parent: number;
  guid: string;
  menuOrder: number;
  mimeType: string;
}

export interface WordpressContent {
  terms: WordpressTermRow[];
  posts: WordpressPostRow[];
  /** (post id, term_id) pairs. */
  relationships: Array<{ postId: number; termId: number }>;
  postMeta: Map<number, Map<string, string>>;
}

export const OPTION_NAMES = [
  'siteurl',
  'home',
  'blogname',
  'blogdescription',
  'timezone_string',
  'gmt_offset',
  'sticky_posts',
  'upload_url_path',
] as const;

const USER_META_KEYS = (prefix: string) => [
  `${prefix}capabilities`,
  'first_name',
  'last_name',
  'nickname',
  'description',
  '_application_passwords',
  '_two_factor_enabled_providers',
  '_two_factor_provider',
  '_two_factor_totp_key',
  '_two_factor_totp_last_successful_login',
  '_two_factor_backup_codes',
];

const POST_META_KEYS = [
  '_wp_attached_file',
  '_wp_attachment_image_alt',
  '_wp_attachment_metadata',
  '_thumbnail_id',
  '_wp_trash_meta_status',
];

const text = (v: unknown): string =>
  v === null || v === undefined ? '' : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
const int = (v: unknown): number => Number(v ?? 0);

function groupMeta(rows: RowDataPacket[], idColumn: string): Map<number, Map<string, string>> {
  const out = new Map<number, Map<string, string>>();
  for (const row of rows) {
    const id = int(row[idColumn]);
    let meta = out.get(id);
    if (!meta) out.set(id, (meta = new Map()));
    const key = text(row.meta_key);
    // get_*_meta(…, true) answers the first row of a key: keep that one.
    if (!meta.has(key)) meta.set(key, text(row.meta_value));
  }
  return out;
}

/** Opens the connection (mysql2 is loaded only by this command). */
export async function connectMysql(target: MysqlTarget): Promise<Connection> {
  const mysql = await import('mysql2/promise');
  try {
    return await mysql.createConnection({
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      database: target.database,
      charset: 'utf8mb4',
      // Dates as written: they are converted with the site's time zone, not the process's.
      dateStrings: true,
      supportBigNumbers: true,
      connectTimeout: 10_000,
    });
  } catch (error) {
    const reason = (error as { message?: string }).message ?? String(error);
    throw new WordpressImportError(
      'mysql_unreachable',
      `cannot connect to ${describeMysqlTarget(target)}: ${reason.split('\n')[0]}`,
    );
  }
}

/** Reads everything the import needs, in a consistent snapshot (one read-only transaction). */
export async function readWordpressSite(
  connection: Connection,
  options: { tablePrefix: string; content: boolean },
): Promise<WordpressSite> {
  const p = options.tablePrefix;
  const query = async (sql: string, params: unknown[] = []) => {
    try {
      const [rows] = await connection.query<RowDataPacket[]>(sql, params);
      return rows;
    } catch (error) {
      const e = error as { code?: string; message?: string };
      if (e.code === 'ER_NO_SUCH_TABLE')
        throw new WordpressImportError(
          'not_wordpress',
          `${e.message ?? 'a table is missing'}: is this a WordPress database, and is the table prefix (--table-prefix, now ${p}) right?`,
        );
      throw new WordpressImportError(
        'mysql_query_failed',
        `reading WordPress failed: ${(e.message ?? String(error)).split('\n')[0]}`,
      );
    }
  };
  await query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  await query('START TRANSACTION READ ONLY');
  try {
    const optionRows = await query(
      `SELECT option_name, option_value FROM \`${p}options\` WHERE option_name IN (?)`,
      [[...OPTION_NAMES]],
    );
    const users = (
      await query(
        `SELECT ID, user_login, user_pass, user_email, user_url, user_registered, display_name FROM \`${p}users\` ORDER BY ID`,
      )
    ).map((r): WordpressUserRow => ({
      id: int(r.ID),
      login: text(r.user_login),
      pass: text(r.user_pass),
      email: text(r.user_email),
      url: text(r.user_url),
      registered: text(r.user_registered),
      displayName: text(r.display_name),
    }));
    const userMeta = groupMeta(
      await query(
        `SELECT user_id, meta_key, meta_value FROM \`${p}usermeta\` WHERE meta_key IN (?) ORDER BY umeta_id`,
        [USER_META_KEYS(p)],
      ),
      'user_id',
    );
    let content: WordpressContent | undefined;
    if (options.content) {
      const terms = (
        await query(
          `SELECT t.term_id, tt.taxonomy, t.name, t.slug, tt.description, tt.parent FROM \`${p}terms\` t INNER JOIN \`${p}term_taxonomy\` tt ON tt.term_id = t.term_id WHERE tt.taxonomy IN ('category', 'post_tag') ORDER BY t.term_id`,
        )
      ).map((r): WordpressTermRow => ({
        termId: int(r.term_id),
        taxonomy: text(r.taxonomy),
        name: text(r.name),
        slug: text(r.slug),
        description: text(r.description),
        parent: int(r.parent),
      }));
      const posts = (
        await query(
          `SELECT ID, post_type, post_author, post_date, post_date_gmt, post_modified, post_modified_gmt, post_content, post_title, post_excerpt, post_status, comment_status, ping_status, post_password, post_name, post_parent, guid, menu_order, post_mime_type FROM \`${p}posts\` WHERE post_type IN ('post', 'page', 'attachment') ORDER BY ID`,
        )
      ).map((r): WordpressPostRow => ({
        id: int(r.ID),
        type: text(r.post_type),
        author: int(r.post_author),
        date: text(r.post_date),
        dateGmt: text(r.post_date_gmt),
        modified: text(r.post_modified),
        modifiedGmt: text(r.post_modified_gmt),
        content: text(r.post_content),
        title: text(r.post_title),
        excerpt: text(r.post_excerpt),
        status: text(r.post_status),
        commentStatus: text(r.comment_status),
        pingStatus: text(r.ping_status),
        password: text(r.post_password),
        name: text(r.post_name),
        parent: int(r.post_parent),
        guid: text(r.guid),
        menuOrder: int(r.menu_order),
        mimeType: text(r.post_mime_type),
      }));
      const relationships = (
        await query(
          `SELECT tr.object_id, tt.term_id FROM \`${p}term_relationships\` tr INNER JOIN \`${p}term_taxonomy\` tt ON tt.term_taxonomy_id = tr.term_taxonomy_id WHERE tt.taxonomy IN ('category', 'post_tag') ORDER BY tr.object_id, tr.term_order, tt.term_id`,
        )
      ).map((r) => ({ postId: int(r.object_id), termId: int(r.term_id) }));
      const postMeta = groupMeta(
        await query(
          `SELECT post_id, meta_key, meta_value FROM \`${p}postmeta\` WHERE meta_key IN (?) ORDER BY meta_id`,
          [POST_META_KEYS],
        ),
        'post_id',
      );
      content = { terms, posts, relationships, postMeta };
    }
    return {
      tablePrefix: p,
      options: new Map(optionRows.map((r) => [text(r.option_name), text(r.option_value)])),
      users,
      userMeta,
      content,
    };
  } finally {
    await query('COMMIT').catch(() => undefined);
  }
}
