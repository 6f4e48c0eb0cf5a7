export { registerForwardAuth, serviceFirstUsesOf } from './verify.js';
export { createProxyTrust, originalRequest, originalUrl } from './originalRequest.js';
export { headerValue, identityHeaders } from './identityHeaders.js';
