import type { FastifyRequest } from 'fastify';

/** A form or query field as text: absent, repeated or non-text fields read as empty. */
export const formText = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The posted form of a request; a request without a body has no fields. */
export const formFields = (request: FastifyRequest): Record<string, unknown> =>
  (request.body ?? {}) as Record<string, unknown>;

/** Checkbox groups arrive as one string, several, or nothing. */
export const formList = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((x): x is string => typeof x === 'string')
    : value
      ? [formText(value)]
      : [];
