import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../context.js';
import { html } from '../../html.js';
import { afterBackupCodesGenerated } from '../../twoFactorEffects.js';
import { sendConfirmStep } from '../confirmStep.js';
import { requireSignedIn, sendPage } from '../render.js';
import { plural } from '../plural.js';
import { showTwoFactorPage } from './overviewPage.js';
import { changeActor, beginTwoFactorChange, twoFactorRefusal } from './twoFactorChange.js';
import { TWO_FACTOR_PAGE } from './twoFactorPaths.js';

/** New recovery codes (the old ones stop working), shown once to copy or download. */
export function registerRecoveryCodes(app: FastifyInstance, ctx: AppContext): void {
  // "Generate new codes" leads here first when codes exist: new ones void the old.
  app.get(`${TWO_FACTOR_PAGE}/backup-codes`, async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    const status = await ctx.twoFactor.status(signedIn.user);
    const left = status.enabled.includes('backup_codes') ? status.backup_codes_remaining : 0;
    return sendConfirmStep(ctx, request, reply, signedIn, {
      question: 'Generate new recovery codes?',
      consequences:
        left > 0
          ? html`Your ${plural(left, 'remaining recovery code stops', 'remaining recovery codes stop')} working at once, wherever you saved ${left === 1 ? 'it' : 'them'}. You get ten new ones, shown once.`
          : html`You get ten new codes, shown once.`,
      action: `${TWO_FACTOR_PAGE}/backup-codes`,
      button: 'Generate new codes',
      buttonId: 'confirm-generate-backup-codes',
      cancel: `${TWO_FACTOR_PAGE}#backup-codes`,
      danger: left > 0,
    });
  });

  app.post(`${TWO_FACTOR_PAGE}/backup-codes`, async (request, reply) => {
    const signedIn = await beginTwoFactorChange(ctx, request, reply);
    if (!signedIn) return reply;
    let codes: string[];
    try {
      ({ codes } = await ctx.twoFactor.regenerateBackupCodes(signedIn.user));
    } catch (error) {
      const r = twoFactorRefusal(reply, error);
      return showTwoFactorPage(ctx, request, reply, signedIn, r.flash, r.status);
    }
    await afterBackupCodesGenerated(ctx, changeActor(request, signedIn), signedIn.user);
    const text = codes.join('\n') + '\n';
    // Shown in this response only: never in a URL of their own, never stored in clear.
    return sendPage(
      ctx,
      request,
      reply,
      { title: 'Your recovery codes', signedIn },
      () => html`
    <h1>Your recovery codes</h1>
    <p class="error" role="alert"><strong>Save these codes now: they will not be shown again.</strong> Each one signs you in once when your other methods are out of reach. Any codes you had before no longer work.</p>
    <pre class="codes" id="recovery-codes">${codes.join('\n')}</pre>
    <p class="actions">
      <button type="button" class="secondary" data-copy-target="recovery-codes" id="copy-recovery-codes">Copy</button>
      <a class="button" id="download-recovery-codes" download="recovery-codes.txt" href="data:text/plain;charset=utf-8,${encodeURIComponent(text)}">Download .txt</a>
      <span class="muted" data-copy-status="recovery-codes" aria-live="polite"></span>
    </p>
    <p><a href="${TWO_FACTOR_PAGE}" id="recovery-codes-done">Done</a></p>`,
    );
  });
}
