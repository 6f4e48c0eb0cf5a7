import type {
  ApiClientOptions,
  Credentials,
  CredentialScope,
  SiteDiscovery,
} from '@latchkey/client';

export declare const APP_ID: string;
export declare const APP_NAME: string;

export interface Post {
  id: number;
  title?: { rendered: string };
  link?: string;
  status?: string;
}

export interface ConnectOptions {
  siteUrl: string;
  /** The vault file (created with mode 0600). */
  vaultFile: string;
  /** 32 bytes; by default LATCHKEY_CONNECT_KEY or `<vaultFile>.key`. */
  key?: Uint8Array;
  /** Loopback port of the callback (0: any free port). */
  port?: number;
  scope?: CredentialScope;
  /** Receives the authorize URL a person would open (the CLI prints it; tests drive a browser). */
  onAuthorizeUrl(url: string): void | Promise<void>;
  fetch?: typeof fetch;
  log?: (line: string) => void;
}

export interface ConnectResult {
  site: SiteDiscovery;
  credentials: Credentials;
  /** True when the hand-off ran (first connection, or the stored password was revoked). */
  connected: boolean;
  me: { id: number; name: string };
  posts: Post[];
}

export declare function connect(options: ConnectOptions): Promise<ConnectResult>;
export declare function handOff(options: {
  site: SiteDiscovery;
  port?: number;
  scope?: CredentialScope;
  onAuthorizeUrl(url: string): void | Promise<void>;
  fetch?: typeof fetch;
}): Promise<Credentials>;
export declare function listOwnPosts(
  credentials: Credentials,
  options?: ApiClientOptions,
): Promise<{ me: { id: number; name: string }; posts: Post[] }>;
export declare function loadVaultKey(
  vaultFile: string,
  env?: Record<string, string | undefined>,
): Promise<Uint8Array>;
