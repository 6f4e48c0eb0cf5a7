import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const APPLICATION_PASSWORD_LENGTH = 24;

/** 24 characters of [A-Za-z0-9], each uniform from a CSPRNG: log2(62^24) ≈ 142.9 bits. */
export function generateApplicationPassword(): string {
  let out = '';
  for (let i = 0; i < APPLICATION_PASSWORD_LENGTH; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** The displayed form: groups of four separated by single spaces. */
export function chunkApplicationPassword(password: string): string {
  return password.match(/.{1,4}/g)?.join(' ') ?? '';
}

/** What people paste may carry spaces or dashes: only [A-Za-z0-9] counts, case kept. */
export function normalizePresentedPassword(presented: string): string {
  return presented.replace(/[^A-Za-z0-9]/g, '');
}

/** Names are text: tags stripped, whitespace collapsed, trimmed (WordPress does the same). */
export function sanitizeApplicationPasswordName(name: string): string {
  return name
    .replace(/<[^>]*>?/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 255);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An `app_id` is `""` or a lowercase UUID of any version. */
export function isValidAppId(appId: string): boolean {
  return appId === '' || UUID.test(appId);
}
