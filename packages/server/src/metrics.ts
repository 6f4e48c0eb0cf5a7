import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How a credential came (SPEC §3, §6, §11) and what became of it. */
export type AuthVia = 'application_password' | 'session' | 'xmlrpc' | 'forward_auth';
export type AuthOutcome = 'ok' | 'wrong' | 'expired' | 'limited';

export interface Metrics {
  registry: Registry;
  httpRequests: Histogram<'method' | 'route' | 'status'>;
  signIns: Counter<'outcome'>;
  /** `latchkey_auth_total{via,outcome}`; a revoked password is gone, so it counts as wrong. */
  auth: Counter<'via' | 'outcome'>;
  rateLimitRefusals: Counter<'limit'>;
  /** Second-factor answers at sign-in and step-up: ok, wrong, limited (a wait runs), expired. */
  secondFactor: Counter<'provider' | 'outcome'>;
  mailFailures: Counter;
}

/** Read at scrape time (they live in the parts that own them). */
export interface MetricSources {
  credentialCache: () => { hits: number; misses: number; invalidations: number };
  /** When buffered last-used data last reached the store (start time until the first flush). */
  lastUsedFlushedAt: () => number;
  now: () => number;
}

export function createMetrics(sources?: MetricSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'latchkey_' });
  if (sources) {
    new Counter({
      name: 'latchkey_credential_cache_total',
      help: 'Credential cache lookups (hit, miss) and invalidations (a change announced by any node)',
      labelNames: ['event'],
      registers: [registry],
      collect() {
        const stats = sources.credentialCache();
        this.reset();
        this.inc({ event: 'hit' }, stats.hits);
        this.inc({ event: 'miss' }, stats.misses);
        this.inc({ event: 'invalidation' }, stats.invalidations);
      },
    });
    new Gauge({
      name: 'latchkey_last_used_flush_age_seconds',
      help: 'Seconds since buffered last-used data last reached the store (flushed every minute)',
      registers: [registry],
      collect() {
        this.set(Math.max(0, (sources.now() - sources.lastUsedFlushedAt()) / 1000));
      },
    });
  }
  return {
    registry,
    httpRequests: new Histogram({
      name: 'latchkey_http_request_duration_seconds',
      help: 'HTTP request duration by route pattern (REST calls by their REST route)',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    signIns: new Counter({
      name: 'latchkey_sign_ins_total',
      help: 'Interactive sign-in attempts by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    auth: new Counter({
      name: 'latchkey_auth_total',
      help: 'Credentials presented to the API by how they came and what became of them',
      labelNames: ['via', 'outcome'],
      registers: [registry],
    }),
    rateLimitRefusals: new Counter({
      name: 'latchkey_rate_limit_refusals_total',
      help: 'Requests refused by an abuse limit (SPEC §7)',
      labelNames: ['limit'],
      registers: [registry],
    }),
    secondFactor: new Counter({
      name: 'latchkey_second_factor_total',
      help: 'Second-factor answers by provider and outcome',
      labelNames: ['provider', 'outcome'],
      registers: [registry],
    }),
    mailFailures: new Counter({
      name: 'latchkey_mail_failures_total',
      help: 'Mails that could not be handed to the SMTP server',
      registers: [registry],
    }),
  };
}

/** The REST route pattern a request matched (the dispatcher records it; the histogram reads it). */
export const restRouteOf = new WeakMap<object, string>();
