/**
 * The one base of the server's domain errors (jose's model): every subclass carries a stable
 * `code` that callers can switch on, the WordPress code where the wire has one, and `data` for
 * the wire body. A domain never picks an HTTP status or an XML-RPC fault: `wireOf` does, from
 * one table (errors/wire.ts).
 */
export class LatchkeyError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
