/**
 * @latchkey/client: connect an app to a Latchkey or WordPress site with an application password.
 *
 * 1. {@link discover} the site's API and its authorize screen;
 * 2. send the user to {@link buildAuthorizeUrl}'s URL;
 * 3. {@link completeAuthorization} with the URL the browser comes back to;
 * 4. keep the credentials in a {@link CredentialVault};
 * 5. call the API with {@link createApiClient}; on {@link RevokedCredentialsError}, start again.
 *
 * Runs in Node >= 20 and browsers (fetch and WebCrypto); the only dependency is @noble/ciphers.
 * File storage for the vault is Node-only: `@latchkey/client/file-storage`.
 *
 * For APIs of your own not behind a proxy: {@link createForwardAuthVerifier} and the Express,
 * Fastify and Hono middleware ask Latchkey's `/auth/verify` (SPEC §11) with a short cache.
 */
export {
  API_LINK_REL,
  apiRootFromHtml,
  apiRootFromLinkHeader,
  discover,
  normalizeSiteUrl,
  type DiscoverOptions,
  type SiteDiscovery,
} from './discover.js';
export {
  buildAuthorizeUrl,
  completeAuthorization,
  s256CodeChallenge,
  successUrlOf,
  type AuthorizeRequestHandle,
  type AuthorizeUrlOptions,
  type CompleteAuthorizationOptions,
  type CredentialScope,
  type Credentials,
} from './authorize.js';
export { CredentialVault, MemoryStorage, VaultError, type VaultStorage } from './vault.js';
export {
  createApiClient,
  type ApiClient,
  type ApiClientOptions,
  type ApiRequestInit,
} from './apiClient.js';
export { apiUrl } from './apiUrl.js';
export {
  ApiError,
  ApplicationPasswordsUnavailableError,
  AuthorizationRejectedError,
  AuthorizationStateError,
  InvalidCallbackError,
  LatchkeyClientError,
  NotAnApiSiteError,
  RevokedCredentialsError,
} from './errors.js';
export {
  createForwardAuthVerifier,
  decodeHeaderValue,
  expressForwardAuth,
  fastifyForwardAuth,
  honoForwardAuth,
  type ForwardAuthOptions,
  type LatchkeyIdentity,
  type VerifyInput,
  type VerifyOutcome,
} from './forwardAuth.js';
