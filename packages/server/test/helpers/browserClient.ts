/**
 * A small HTTP client that keeps cookies like a browser, for driving the HTML pages over real
 * HTTP. Redirects are not followed, so tests can assert them.
 */
export class BrowserClient {
  readonly cookies = new Map<string, string>();
  lastCsrf: string | undefined;

  constructor(
    readonly baseUrl: string,
    readonly userAgent = 'latchkey-tests',
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private absorb(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some(
        (a) => /^\s*max-age=0/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(
    path: string,
    init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string> } = {},
  ): Promise<Response & { text_: string }> {
    const headers: Record<string, string> = {
      'user-agent': this.userAgent,
      ...(init.headers ?? {}),
    };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    const response = await fetch(new URL(path, this.baseUrl), {
      ...init,
      headers,
      redirect: 'manual',
    });
    this.absorb(response);
    const text = await response.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (csrf) this.lastCsrf = csrf;
    return Object.assign(response, { text_: text });
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request(path, { headers });
  }

  /** Posts a form; `_csrf` is filled from the last page unless given (pass null to omit it). */
  postForm(
    path: string,
    fields: Record<string, string | null>,
    headers: Record<string, string> = {},
  ) {
    const body = new URLSearchParams();
    const withCsrf: Record<string, string | null> = { _csrf: this.lastCsrf ?? '', ...fields };
    for (const [k, v] of Object.entries(withCsrf)) if (v !== null) body.set(k, v);
    return this.request(path, {
      method: 'POST',
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  /** Loads the sign-in page and signs in; returns the POST response. */
  async signIn(log: string, pwd: string, extra: Record<string, string> = {}) {
    await this.get('/login');
    return this.postForm('/login', { log, pwd, ...extra });
  }

  /** The REST nonce of the current session. */
  async restNonce(): Promise<string> {
    const response = await this.get('/wp-admin/admin-ajax.php?action=rest-nonce');
    if (response.status !== 200) throw new Error(`no nonce: ${response.status}`);
    return response.text_;
  }
}
