import { html } from '../html.js';

/** The browser half of WebAuthn, on the pages that register or use a security key. */
export const WEBAUTHN_HEAD = html`<script type="module" src="/assets/simplewebauthn-browser.js"></script>`;
