/**
 * A strict reader for the values WordPress stores with PHP's `serialize()` (user meta, options):
 * null, booleans, integers, floats, strings and arrays, nothing else. Objects, references and
 * custom serializations (`O:`, `C:`, `r:`, `R:`, `E:`) are refused rather than interpreted, so a
 * crafted meta value can never become more than data. String lengths are in bytes (UTF-8), as
 * PHP counts them.
 *
 * Error messages name the kind of problem and the byte offset, never any part of the value:
 * they reach the import summary (and `--json`), and the values read here include password
 * hashes (`_application_passwords`, `_two_factor_backup_codes`).
 */

export type PhpValue = null | boolean | number | string | PhpArray;
/** A PHP array in its own order; keys are integers or strings, as in PHP. */
export type PhpArray = Map<number | string, PhpValue>;

export class PhpUnserializeError extends Error {
  readonly code = 'php_value_malformed';
  constructor(
    message: string,
    /** Byte offset where the reader gave up. */
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'PhpUnserializeError';
  }
}

const MAX_DEPTH = 32;
const MAX_BYTES = 16 * 1024 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

const COLON = 0x3a;
const SEMI = 0x3b;
const QUOTE = 0x22;
const OPEN = 0x7b;
const CLOSE = 0x7d;
/** O, C, r, R, E: PHP types this reader knows and will not read. */
const REFUSED_TYPES = [0x4f, 0x43, 0x72, 0x52, 0x45];

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  /** `at`: where the faulty part starts (the current position by default). */
  fail(message: string, at = this.pos): never {
    throw new PhpUnserializeError(message, at);
  }

  expect(byte: number, what: string): void {
    if (this.bytes[this.pos] !== byte) this.fail(`expected ${what}`);
    this.pos++;
  }

  /** The text up to (not including) `end`, which is consumed. */
  until(end: number, what: string): string {
    const start = this.pos;
    const at = this.bytes.indexOf(end, start);
    if (at === -1 || at - start > 64) this.fail(`unterminated ${what}`);
    this.pos = at + 1;
    return String.fromCharCode(...this.bytes.subarray(start, at));
  }

  integer(end: number): number {
    const start = this.pos;
    const text = this.until(end, 'integer');
    if (!/^[+-]?\d+$/.test(text)) this.fail('not an integer', start);
    const value = Number(text);
    if (!Number.isSafeInteger(value)) this.fail('integer out of range', start);
    return value;
  }

  length(): number {
    const start = this.pos;
    const text = this.until(COLON, 'length');
    if (!/^\d+$/.test(text)) this.fail('bad length', start);
    const value = Number(text);
    if (value > this.bytes.length - this.pos) this.fail('length past the end of the value');
    return value;
  }

  string(): string {
    const length = this.length();
    this.expect(QUOTE, 'an opening quote');
    const raw = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    this.expect(QUOTE, 'a closing quote after the counted bytes');
    try {
      return utf8.decode(raw);
    } catch {
      return this.fail('string is not UTF-8');
    }
  }

  value(depth: number): PhpValue {
    const at = this.pos;
    const type = this.bytes[this.pos];
    if (type === undefined) this.fail('unexpected end');
    this.pos++;
    if (type === 0x4e /* N */) {
      this.expect(SEMI, '";" after N');
      return null;
    }
    this.expect(COLON, '":" after the type');
    switch (type) {
      case 0x62 /* b */: {
        const start = this.pos;
        const text = this.until(SEMI, 'boolean');
        if (text !== '0' && text !== '1') this.fail('boolean must be 0 or 1', start);
        return text === '1';
      }
      case 0x69 /* i */:
        return this.integer(SEMI);
      case 0x64 /* d */: {
        const start = this.pos;
        const text = this.until(SEMI, 'float');
        const value = Number(text);
        if (!/^[+-]?(\d+\.?\d*|\.\d+)(E[+-]?\d+)?$/i.test(text) || !Number.isFinite(value))
          this.fail('not a finite float', start);
        return value;
      }
      case 0x73 /* s */: {
        const text = this.string();
        this.expect(SEMI, '";" after a string');
        return text;
      }
      case 0x61 /* a */: {
        if (depth >= MAX_DEPTH) this.fail('arrays nested too deeply');
        const count = this.length();
        this.expect(OPEN, '"{"');
        const out: PhpArray = new Map();
        for (let i = 0; i < count; i++) {
          const keyType = this.bytes[this.pos];
          let key: number | string;
          if (keyType === 0x69 /* i */) {
            this.pos++;
            this.expect(COLON, '":"');
            key = this.integer(SEMI);
          } else if (keyType === 0x73 /* s */) {
            this.pos++;
            this.expect(COLON, '":"');
            key = this.string();
            this.expect(SEMI, '";" after a key');
          } else {
            this.fail('array key must be an integer or a string');
          }
          if (out.has(key)) this.fail('duplicate array key');
          out.set(key, this.value(depth + 1));
        }
        this.expect(CLOSE, '"}" after the counted elements');
        return out;
      }
      default:
        // The type letter is named only when it is one of PHP's own (never a byte of the data).
        return this.fail(
          REFUSED_TYPES.includes(type)
            ? `refused type "${String.fromCharCode(type)}" (only N, b, i, d, s and a are read)`
            : 'unknown type (only N, b, i, d, s and a are read)',
          at,
        );
    }
  }
}

/** Reads one serialized value; anything malformed, unsupported or trailing throws. */
export function unserializePhp(input: string | Uint8Array): PhpValue {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  if (bytes.length > MAX_BYTES) throw new PhpUnserializeError('value too large', 0);
  const reader = new Reader(bytes);
  const value = reader.value(0);
  if (reader.pos !== bytes.length) reader.fail('trailing bytes after the value');
  return value;
}

/** WordPress's `is_serialized` in spirit: does this meta value claim to be serialized? */
export function looksSerialized(text: string): boolean {
  return text === 'N;' || /^[abidsOCrRE]:/.test(text);
}

/** The values of a PHP array in order (a list), or undefined when it is not an array. */
export function phpList(value: PhpValue): PhpValue[] | undefined {
  return value instanceof Map ? [...value.values()] : undefined;
}
