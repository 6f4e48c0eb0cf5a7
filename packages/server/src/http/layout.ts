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
  /** Mid-sign-in (second factor): the header names the account and offers a way out. */
  signingInAs?: string | undefined;
  /**
   * A session that may only change its password or enrol a second factor: the header offers
   * no page it could not open, only the way out.
   */
  restricted?: boolean;
}

/*
 * Colours are chosen for contrast in both schemes (WCAG 2.2 AA): text 4.5:1, control borders
 * and focus rings 3:1. At 40rem and below, tables become one block per row with each cell's
 * heading before it (data-label), so no page scrolls sideways on a phone.
 */
const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#57606a;--line:#d0d7de;--field:#6e7781;--card:#f6f8fa;--accent:#2458d3;--on-accent:#fff;--danger:#b42318;--on-danger:#fff;--ok:#15703a;--notice-bg:#2458d314;--error-bg:#b4231814}
@media (prefers-color-scheme:dark){:root{--bg:#0f1419;--fg:#e6edf3;--muted:#a3adb8;--line:#3a424c;--field:#8b949e;--card:#161c23;--accent:#7eb0ff;--on-accent:#0f1419;--danger:#ff8a80;--on-danger:#0f1419;--ok:#56d364;--notice-bg:#7eb0ff1f;--error-bg:#ff8a801f}}
*{box-sizing:border-box}body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:var(--bg);color:var(--fg)}
a{color:var(--accent)}:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.75rem 1.5rem;border-bottom:1px solid var(--line)}
header .brand{font-weight:700;margin-right:auto;text-decoration:none;color:inherit}
header nav{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header .step{color:var(--muted)}header button{padding:.3rem .7rem}
main{max-width:60rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem;overflow-wrap:anywhere}h2{font-size:1.2rem;margin:2rem 0 .75rem}h3{font-size:1.05rem;margin:1.25rem 0 .5rem}
p,li,dd,code,label,legend{overflow-wrap:anywhere}td,th{overflow-wrap:break-word}
label .muted,label .hint{font-weight:400}
form.stack{display:grid;gap:.75rem;max-width:28rem}form.stack>button{justify-self:start}
form.settings{max-width:44rem}form.settings section.card{display:grid;gap:.75rem;margin:0}form.settings section.card h2{margin-bottom:0}
label{display:grid;gap:.25rem;font-weight:600}label.check{display:flex;gap:.5rem;font-weight:400;align-items:baseline}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.field{display:grid;gap:.25rem}
.hint{font-weight:400;font-size:.9rem;color:var(--muted);margin:0}
.field-error{font-weight:600;font-size:.95rem;color:var(--danger);margin:0}
input[type=text],input[type=email],input[type=password],input[type=date],input[type=search],input[type=url],input[type=number],select,textarea{font:inherit;font-weight:400;width:100%;min-width:0;padding:.45rem .6rem;border:1px solid var(--field);border-radius:6px;background:var(--bg);color:inherit}
[aria-invalid=true]{border-color:var(--danger);border-width:2px}
fieldset{border:1px solid var(--line);border-radius:8px;padding:.5rem 1rem .9rem;margin:0;min-width:0;display:grid;gap:.5rem}
legend{font-weight:600;padding:0 .3rem}
button,a.button{font:inherit;display:inline-block;text-align:center;padding:.45rem .9rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:var(--on-accent);cursor:pointer;text-decoration:none}
button.secondary,a.button.secondary{background:transparent;color:var(--accent)}
button.danger,a.button.danger{background:var(--danger);border-color:var(--danger);color:var(--on-danger)}
button.link{background:none;border:0;padding:0;color:var(--accent);text-decoration:underline}
button:disabled{opacity:.6;cursor:not-allowed}
form.inline{display:inline}
form+table,table+form,form+form,table+p{margin-top:1rem}
td form.inline button,td a.button{padding:.2rem .6rem;white-space:nowrap}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
@media (max-width:40rem){main{padding:1rem}header{padding:.75rem 1rem}
main table,main thead,main tbody,main tr,main th,main td{display:block}
main thead tr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
main tr{border-bottom:1px solid var(--line);padding:.4rem 0}main th,main td{border:0;padding:.1rem 0}
main td[data-label]::before{content:attr(data-label) ": ";font-weight:600}}
.notice,.error{padding:.6rem .9rem;border-radius:6px;margin:0 0 1rem}.notice{background:var(--notice-bg);border:1px solid var(--accent)}
.error{background:var(--error-bg);border:1px solid var(--danger)}.muted{color:var(--muted)}
.secret{display:inline-block;font-size:1.25rem;letter-spacing:.05em;padding:.3rem .5rem;border:1px dashed var(--field);border-radius:6px;overflow-wrap:anywhere}
.tag{font-size:.8rem;padding:.05rem .4rem;border:1px solid var(--field);border-radius:4px;white-space:nowrap}
.tag.on{border-color:var(--ok);color:var(--ok)}
section.method,section.card{border:1px solid var(--line);border-radius:10px;padding:.25rem 1.25rem 1.25rem;margin:1.25rem 0}
section.method h2,section.card h2{margin:.9rem 0 .5rem;display:flex;flex-wrap:wrap;gap:.6rem;align-items:center}
nav.sections{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0 0 1rem}
.actions{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center}
.choices{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.75rem;margin-top:.5rem;max-width:28rem}.choices form{margin:0}.choices button{width:100%}
.search{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;max-width:32rem;margin-bottom:1rem}.search label{flex:0 0 100%}.search input{flex:1 1 10rem;width:auto}
.qr{width:232px;max-width:100%;aspect-ratio:1;background:#fff;border:1px solid var(--line);border-radius:8px}.qr svg{display:block;width:100%;height:100%}
pre.codes{font:1.15rem/1.7 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;columns:2;column-gap:2.5rem;width:fit-content;max-width:100%;padding:.75rem 1.25rem;margin:.5rem 0;border:1px dashed var(--field);border-radius:6px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0 0 1rem}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
@media (max-width:40rem){dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.4rem}}
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
              chrome.signingInAs !== undefined && !user
                ? html`<span class="step">Signing in as <strong>${chrome.signingInAs}</strong></span>
                    <a href="/login" id="cancel-sign-in">Cancel</a>`
                : user && chrome.restricted
                  ? html`<span class="step">Signed in as <strong>${user.displayName}</strong></span>
                      <form class="inline" method="post" action="/logout">
                        <input type="hidden" name="_csrf" value="${chrome.csrfToken}" />
                        <button class="secondary" type="submit">Log out</button>
                      </form>`
                  : user
                    ? html`<a href="/account">${user.displayName}</a>
                    ${can(user, 'list_users') ? html`<a href="/admin/users">Users</a>` : ''}
                    ${can(user, 'manage_options') ? html`<a href="/admin/settings">Settings</a>` : ''}
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
 * The only script the pages load (CSP allows no inline code): copy buttons, the second-factor
 * wait's countdown, security keys. Every page but security keys works without it: the secret is
 * also selectable text, and the wait reads as text while the server refuses an early try.
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

  // A wait that counts down (data-countdown, seconds); the form it names cannot be sent until 0.
  function waitText(seconds) {
    if (seconds < 60) return seconds + (seconds === 1 ? ' second' : ' seconds');
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return s === 0 ? m + ' min' : m + ' min ' + s + ' s';
  }
  function startCountdown(holder) {
    var left = parseInt(holder.getAttribute('data-countdown'), 10);
    if (!(left > 0)) return;
    var form = document.getElementById(holder.getAttribute('data-countdown-form') || '');
    var buttons = form ? form.querySelectorAll('button[type=submit]') : [];
    function hold(on) { for (var i = 0; i < buttons.length; i++) buttons[i].disabled = on; }
    hold(true);
    var timer = setInterval(function () {
      left -= 1;
      if (left > 0) { holder.textContent = waitText(left); return; }
      clearInterval(timer);
      var note = holder.closest('p') || holder;
      note.textContent = 'You can try again now.';
      if (note.classList.contains('error')) { note.classList.remove('error'); note.classList.add('notice'); }
      hold(false);
      var field = form && form.querySelector('input[type=text]');
      if (field) field.focus();
    }, 1000);
  }
  document.querySelectorAll('[data-countdown]').forEach(startCountdown);

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
