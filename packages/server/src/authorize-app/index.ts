export {
  APP_ID_MESSAGE,
  approveDestination,
  authorizeQuery,
  parseAuthorizeRequest,
  rejectDestination,
  type AuthorizeProblem,
  type AuthorizeProblemField,
  type AuthorizeRequest,
  type AuthorizeScope,
  type ResponseType,
} from './authorizeRequest.js';
export {
  MAX_REDIRECT_URL_LENGTH,
  REDIRECT_URL_MESSAGES,
  appendQueryArgs,
  checkRedirectUrl,
  type RedirectUrlProblem,
} from './redirectUrl.js';
export { isCodeVerifier, isS256CodeChallenge, s256CodeChallenge, verifyS256 } from './pkce.js';
export {
  AUTHORIZE_CODE_TTL_MS,
  AuthorizeCodeError,
  issueAuthorizeCode,
  redeemAuthorizeCode,
  type AuthorizeCodeErrorCode,
  type NewAuthorizeCode,
  type RedeemedAuthorizeCode,
} from './authorizeCodes.js';
