import { can } from '../../accounts/index.js';
import { formatLocal, parseRestDate } from '../../content/index.js';
import {
  applySettingsChange,
  isTimezone,
  SettingsError,
  type SettingName,
} from '../../settings/applySettingsChange.js';
import { readSettings, type SiteSettings } from '../../settings/index.js';
import { invalidParams, XmlRpcFault } from '../faults.js';
import {
  arrayParam,
  BLOG_USER_PASS,
  structParam,
  type AuthenticatedCall,
  type MethodTable,
} from '../method.js';
import { newStruct, type XmlRpcStruct, type XmlRpcValue } from '../values.js';

/** The WordPress release whose behaviour Latchkey mirrors; apps refuse sites they think too old. */
export const WORDPRESS_VERSION = '6.1.9';

interface OptionSource {
  site: string;
  settings: SiteSettings;
  now: number;
}

interface BlogOption {
  desc: string;
  /** Writable options are the ones backed by a site setting Latchkey has. */
  setting?: SettingName;
  value(source: OptionSource): XmlRpcValue;
}

/**
 * The current UTC offset of the site's zone in hours, as WordPress's `gmt_offset` (`"0"`,
 * `"5.5"`, `"-3"`): Latchkey keeps a named zone, whose offset changes with daylight saving.
 */
function gmtOffset(timeZone: string, now: number): string {
  const second = Math.floor(now / 1000) * 1000;
  const wall = parseRestDate(formatLocal(second, timeZone), 'UTC') ?? second;
  return String(Math.round(((wall - second) / 3_600_000) * 100) / 100);
}

const fixed = (value: XmlRpcValue) => (): XmlRpcValue => value;

/**
 * WordPress's blog options (`initialise_blog_option_info`), in its order. Those WordPress lets
 * administrators change but Latchkey has no setting for are read-only here, with the values a
 * fresh WordPress 6.1 has (Latchkey generates no intermediate image sizes, so the sizes are
 * informative only).
 */
const BLOG_OPTIONS: Readonly<Record<string, BlogOption>> = {
  software_name: { desc: 'Software Name', value: fixed('WordPress') },
  software_version: { desc: 'Software Version', value: fixed(WORDPRESS_VERSION) },
  blog_url: { desc: 'WordPress Address (URL)', value: (s) => s.site },
  home_url: { desc: 'Site Address (URL)', value: (s) => s.site },
  login_url: { desc: 'Login Address (URL)', value: (s) => `${s.site}/login` },
  // The signed-in user's page is Latchkey's dashboard.
  admin_url: { desc: 'The URL to the admin area', value: (s) => `${s.site}/account` },
  image_default_link_type: { desc: 'Image default link type', value: fixed('none') },
  image_default_size: { desc: 'Image default size', value: fixed('') },
  image_default_align: { desc: 'Image default align', value: fixed('') },
  post_thumbnail: { desc: 'Post Thumbnail', value: fixed(true) },
  time_zone: {
    desc: 'Time Zone',
    setting: 'timezone',
    value: (s) => gmtOffset(s.settings.timezone, s.now),
  },
  blog_title: { desc: 'Site Title', setting: 'title', value: (s) => s.settings.title },
  blog_tagline: {
    desc: 'Site Tagline',
    setting: 'description',
    value: (s) => s.settings.description,
  },
  date_format: { desc: 'Date Format', value: fixed('F j, Y') },
  time_format: { desc: 'Time Format', value: fixed('g:i a') },
  users_can_register: { desc: 'Allow new users to sign up', value: fixed('0') },
  thumbnail_size_w: { desc: 'Thumbnail Width', value: fixed('150') },
  thumbnail_size_h: { desc: 'Thumbnail Height', value: fixed('150') },
  thumbnail_crop: { desc: 'Crop thumbnail to exact dimensions', value: fixed('1') },
  medium_size_w: { desc: 'Medium size image width', value: fixed('300') },
  medium_size_h: { desc: 'Medium size image height', value: fixed('300') },
  medium_large_size_w: { desc: 'Medium-Large size image width', value: fixed('768') },
  medium_large_size_h: { desc: 'Medium-Large size image height', value: fixed('0') },
  large_size_w: { desc: 'Large size image width', value: fixed('1024') },
  large_size_h: { desc: 'Large size image height', value: fixed('1024') },
  // New posts are open to comments by default, though Latchkey takes none (SPEC §8).
  default_comment_status: {
    desc: 'Allow people to submit comments on new posts.',
    value: fixed('open'),
  },
  default_ping_status: {
    desc: 'Allow link notifications from other blogs (pingbacks and trackbacks) on new posts.',
    value: fixed('open'),
  },
};

const OPTION_OF_SETTING = Object.fromEntries(
  Object.entries(BLOG_OPTIONS)
    .filter(([, o]) => o.setting !== undefined)
    .map(([name, o]) => [o.setting!, name]),
) as Partial<Record<SettingName, string>>;

/** WordPress's `_getOptions`: known names only; everything read-only without manage_options. */
async function optionStructs(call: AuthenticatedCall, names: string[]): Promise<XmlRpcStruct> {
  const { ctx, principal } = call;
  const source: OptionSource = {
    site: ctx.config.siteUrl,
    settings: await readSettings(ctx.db),
    now: ctx.now(),
  };
  const manage = can(principal.user, 'manage_options');
  const out = newStruct();
  for (const name of names) {
    if (!Object.hasOwn(BLOG_OPTIONS, name)) continue;
    const option = BLOG_OPTIONS[name]!;
    out[name] = Object.assign(newStruct(), {
      desc: option.desc,
      readonly: option.setting === undefined || !manage,
      value: option.value(source),
    });
  }
  return out;
}

/**
 * `time_zone` in WordPress is a UTC offset; Latchkey keeps a named zone. A zone name is taken
 * as is, 0 is UTC, and the offset the site has now is no change (clients send back what they
 * read); any other fixed offset has no zone to become, so it is refused.
 */
function timezoneFrom(value: XmlRpcValue | undefined, current: SiteSettings, now: number): string {
  if (typeof value === 'string' && isTimezone(value.trim())) return value.trim();
  const text = typeof value === 'number' || typeof value === 'string' ? String(value).trim() : '';
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) {
    if (Number(text) === 0) return 'UTC';
    if (Number(text) === Number(gmtOffset(current.timezone, now))) return current.timezone;
  }
  throw invalidParams(
    'time_zone takes a time zone name such as Europe/Paris, or 0 for UTC; Latchkey keeps a named zone, not a fixed offset.',
  );
}

function optionText(name: string, value: XmlRpcValue | undefined): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  throw invalidParams(`${name} must be a string.`);
}

async function setOptions(call: AuthenticatedCall, options: XmlRpcStruct): Promise<void> {
  const { ctx, principal } = call;
  const current = await readSettings(ctx.db);
  const input: Partial<Record<SettingName, unknown>> = {};
  for (const [name, value] of Object.entries(options)) {
    const setting = Object.hasOwn(BLOG_OPTIONS, name) ? BLOG_OPTIONS[name]!.setting : undefined;
    // Unknown and read-only options are skipped, as WordPress does.
    if (setting === 'timezone') input.timezone = timezoneFrom(value, current, ctx.now());
    else if (setting !== undefined) input[setting] = optionText(name, value);
  }
  if (Object.keys(input).length === 0) return;
  try {
    await applySettingsChange({
      db: ctx.db,
      invalidation: ctx.invalidation,
      actor: principal.user,
      actorUsesTwoFactor: () => ctx.twoFactor.usesTwoFactor(principal.owner),
      input,
      audit: auditOf(call),
      now: ctx.now(),
    });
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    const problems = Object.entries(error.params).map(
      ([setting, problem]) => `${OPTION_OF_SETTING[setting as SettingName] ?? setting}: ${problem}`,
    );
    throw invalidParams(`Invalid option value (${problems.join('; ')}).`);
  }
}

function auditOf(call: AuthenticatedCall) {
  const { client } = call;
  const ap = call.principal.appPassword;
  return {
    ip: client.ip,
    userAgent: client.userAgent,
    credential: ap ? `app_password:${ap.uuid}` : 'password',
  };
}

/** Names asked for: none means all; one string is a list of one (PHP's `(array)` cast). */
function optionNames(call: AuthenticatedCall): string[] {
  const value = call.params[3];
  if (value === undefined) return Object.keys(BLOG_OPTIONS);
  if (typeof value === 'string') return [value];
  const names = arrayParam(call, 3, 'options').map((n) => String(n));
  return names.length === 0 ? Object.keys(BLOG_OPTIONS) : names;
}

/** WordPress's blog options: reading them is `full` (SPEC §5: settings), as is writing. */
export const optionMethods: MethodTable = {
  'wp.getOptions': {
    tier: 'full',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => optionStructs(call, optionNames(call)),
  },
  'wp.setOptions': {
    tier: 'full',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const options = structParam(call, 3, 'options');
      if (!can(call.principal.user, 'manage_options'))
        throw new XmlRpcFault(403, 'Sorry, you are not allowed to update options.');
      await setOptions(call, options);
      return optionStructs(call, Object.keys(options));
    },
  },
};
