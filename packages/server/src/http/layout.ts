import type { User } from '../accounts/index.js';
import { can } from '../accounts/index.js';
import { html, type Html } from './html.js';

export interface PageChrome {
  title: string;
  siteTitle: string;
  csrfToken: string;
  user?: User | undefined;
  /** Extra `<head>` markup (discovery links on the public site). */
  head?: Html;
  flash?: { kind: 'notice' | 'error'; text: string } | undefined;
}

const STYLE = `
:root{color-scheme:light dark;--accent:#2458d3;--line:#8884;--muted:#6b7280}
*{box-sizing:border-box}body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0}
header{display:flex;gap:1rem;align-items:center;padding:.75rem 1.5rem;border-bottom:1px solid var(--line)}
header .brand{font-weight:700;margin-right:auto;text-decoration:none;color:inherit}
header nav{display:flex;gap:1rem;align-items:center}
main{max-width:60rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:2rem 0 .75rem}
form.stack{display:grid;gap:.75rem;max-width:26rem}
label{display:grid;gap:.25rem;font-weight:600}label.check{display:flex;gap:.5rem;font-weight:400;align-items:center}
input[type=text],input[type=email],input[type=password],input[type=date],select{font:inherit;font-weight:400;padding:.45rem .6rem;border:1px solid var(--line);border-radius:6px;background:transparent;color:inherit}
button{font:inherit;white-space:nowrap;padding:.45rem .9rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
button.secondary{background:transparent;color:var(--accent)}button.danger{background:#b42318;border-color:#b42318}
form.inline{display:inline}
form+table,table+form,form+form,table+p{margin-top:1rem}
td form.inline button{padding:.2rem .6rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
.notice,.error{padding:.6rem .9rem;border-radius:6px;margin:0 0 1rem}.notice{background:#2458d31a;border:1px solid #2458d355}
.error{background:#b423181a;border:1px solid #b4231855}.muted{color:var(--muted)}
.secret{font-size:1.25rem;letter-spacing:.05em;padding:.3rem .5rem;border:1px dashed var(--line);border-radius:6px}
.tag{font-size:.8rem;padding:.05rem .4rem;border:1px solid var(--line);border-radius:4px}
.tag.on{border-color:#15803d;color:#15803d}
section.method{border:1px solid var(--line);border-radius:8px;padding:.25rem 1.25rem 1rem;margin:1rem 0}
section.method h2{margin:.75rem 0 .5rem;display:flex;gap:.6rem;align-items:center}
.actions{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center}
.qr{width:232px;height:232px;background:#fff;border:1px solid var(--line);border-radius:8px}.qr svg{display:block;width:100%;height:100%}
pre.codes{font:1.15rem/1.7 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;columns:2;column-gap:2.5rem;width:fit-content;padding:.75rem 1.25rem;margin:.5rem 0;border:1px dashed var(--line);border-radius:6px}
a.button{display:inline-block;padding:.45rem .9rem;border-radius:6px;border:1px solid var(--accent);color:var(--accent);text-decoration:none}
`;

export function page(chrome: PageChrome, body: Html): Html {
  const user = chrome.user;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="csrf-token" content="${chrome.csrfToken}" />
        <title>${chrome.title} · ${chrome.siteTitle}</title>
        <link rel="stylesheet" href="/assets/site.css" />
        <script src="/assets/latchkey.js" defer></script>
        ${chrome.head}
      </head>
      <body>
        <header>
          <a class="brand" href="/">${chrome.siteTitle}</a>
          <nav>
            ${
              user
                ? html`<a href="/account">${user.displayName}</a>
                    ${can(user, 'list_users') ? html`<a href="/admin/users">Users</a>` : ''}
                    <form class="inline" method="post" action="/logout">
                      <input type="hidden" name="_csrf" value="${chrome.csrfToken}" />
                      <button class="secondary" type="submit">Log out</button>
                    </form>`
                : html`<a href="/login">Sign in</a>`
            }
          </nav>
        </header>
        <main>
          ${chrome.flash ? html`<p class="${chrome.flash.kind}" role="${chrome.flash.kind === 'error' ? 'alert' : 'status'}">${chrome.flash.text}</p>` : ''}
          ${body}
        </main>
      </body>
    </html>`;
}

export const SITE_CSS = STYLE.trim();

/**
 * The only script the pages load (CSP allows no inline code): copy buttons. Every page works
 * without it; the secret is also selectable text.
 */
export const SITE_JS = `
(function () {
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }
  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-copy-target]');
    if (!button) return;
    var id = button.getAttribute('data-copy-target');
    var source = document.getElementById(id);
    var status = document.querySelector('[data-copy-status="' + id + '"]');
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      if (status) status.textContent = 'Copied.';
    }, function () {
      if (status) status.textContent = 'Copy failed: select the text and copy it by hand.';
    });
  });

  // Second factor with a security key: the server's options are in a data attribute.
  document.addEventListener('click', function (event) {
    if (!event.target.closest('#use-security-key')) return;
    var holder = document.getElementById('webauthn-sign-in');
    var form = document.getElementById('two-factor-form');
    if (!holder || !form || !window.SimpleWebAuthnBrowser) return;
    window.SimpleWebAuthnBrowser.startAuthentication({ optionsJSON: JSON.parse(holder.getAttribute('data-options')) })
      .then(function (result) {
        document.getElementById('webauthn-response').value = JSON.stringify(result);
        form.submit();
      })
      .catch(function (error) {
        holder.textContent = 'The security key did not answer: ' + error.message;
      });
  });

  // Registering a security key on the two-factor page (REST with the session's nonce).
  document.addEventListener('submit', function (event) {
    var form = event.target.closest('#register-security-key');
    if (!form) return;
    event.preventDefault();
    var status = form.querySelector('[data-webauthn-status]');
    var base = '/wp-json/latchkey/v1/users/me/two-factor/webauthn';
    var headers = { 'content-type': 'application/json', 'x-wp-nonce': csrf() };
    function fail(message) { if (status) status.textContent = message; }
    fetch(base + '/options', { method: 'POST', headers: headers, credentials: 'same-origin', body: '{}' })
      .then(function (r) { return r.json().then(function (b) { if (!r.ok) throw new Error(b.message); return b; }); })
      .then(function (options) { return window.SimpleWebAuthnBrowser.startRegistration({ optionsJSON: options }); })
      .then(function (response) {
        return fetch(base, { method: 'POST', headers: headers, credentials: 'same-origin', body: JSON.stringify({ name: form.elements.name.value, response: JSON.stringify(response) }) });
      })
      .then(function (r) { return r.json().then(function (b) { if (!r.ok) throw new Error(b.message); location.assign('/account/two-factor?done=key_added'); }); })
      .catch(function (error) { fail('The security key was not registered: ' + error.message); });
  });
})();
`.trim();
