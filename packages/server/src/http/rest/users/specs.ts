import type { ArgSpecs } from '../args.js';

export const ID_ARG = {
  id: { type: 'integer', description: 'Unique identifier for the user.' },
} satisfies ArgSpecs;

export const CONTEXT_ARG = {
  context: { type: 'string', enum: ['view', 'embed', 'edit'], default: 'view' },
} as const satisfies ArgSpecs;

export const EDITABLE_ARGS = {
  name: { type: 'string', description: 'Display name for the user.', maxLength: 250 },
  first_name: { type: 'string', maxLength: 250 },
  last_name: { type: 'string', maxLength: 250 },
  email: { type: 'string', format: 'email' },
  url: { type: 'string', format: 'uri' },
  description: { type: 'string' },
  nickname: { type: 'string', maxLength: 250 },
  roles: { type: 'array', items: { type: 'string' } },
  password: { type: 'string', minLength: 1 },
} satisfies ArgSpecs;
/** What POST users declares beside its own required email and password, in the same order. */
const { email: _email, password: _password, ...PROFILE_ARGS } = EDITABLE_ARGS;

export const LIST_ARGS = {
  ...CONTEXT_ARG,
  page: { type: 'integer', default: 1, minimum: 1 },
  per_page: { type: 'integer', default: 10, minimum: 1, maximum: 100 },
  search: { type: 'string' },
  order: { type: 'string', default: 'asc', enum: ['asc', 'desc'] },
  orderby: {
    type: 'string',
    default: 'name',
    enum: ['id', 'name', 'registered_date', 'slug', 'email'],
  },
  roles: { type: 'array', items: { type: 'string' } },
} as const satisfies ArgSpecs;

export const CREATE_ARGS = {
  username: { type: 'string', required: true },
  email: { type: 'string', format: 'email', required: true },
  password: {
    type: 'string',
    description:
      'Password for the user. Latchkey: leave it out to invite instead (a set-password link mailed for 24 hours).',
  },
  ...PROFILE_ARGS,
  email_verified: {
    type: 'boolean',
    description: 'Latchkey: mark the address verified (administrators only).',
  },
} as const satisfies ArgSpecs;

export const DELETE_ARGS = {
  force: {
    type: 'boolean',
    default: false,
    description: 'Required to be true, as users do not support trashing.',
  },
  reassign: {
    type: 'integer',
    required: true,
    description: "Reassign the deleted user's posts and links to this user ID.",
  },
} as const satisfies ArgSpecs;
