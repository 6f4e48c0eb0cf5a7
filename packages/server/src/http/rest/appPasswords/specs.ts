import type { ArgSpecs } from '../args.js';

export const USER_ID = '(?P<user_id>(?:[\\d]+|me))';
export const UUID = '(?P<uuid>[\\w\\-]+)';
export const USER_ARG = {
  user_id: { type: 'string', description: 'The ID for the user.' },
} satisfies ArgSpecs;
export const CONTEXT_ARG = {
  context: { type: 'string', enum: ['view', 'embed', 'edit'], default: 'view' },
} as const satisfies ArgSpecs;
export const WRITE_ARGS = {
  app_id: {
    type: 'string',
    format: 'uuid',
    description: 'A UUID provided by the application to uniquely identify it.',
  },
  name: {
    type: 'string',
    minLength: 1,
    // WordPress's schema: at least one character that is not white space.
    pattern: '.*\\S.*',
    required: true,
    description: 'The name of the application password.',
  },
  scope: {
    type: 'string',
    enum: ['full', 'content'],
    default: 'full',
    description: 'Latchkey: what the password may reach.',
  },
  role_ceiling: { type: ['string', 'null'], description: 'Latchkey: act with at most this role.' },
  expires: {
    type: ['string', 'null'],
    format: 'date-time',
    description: 'Latchkey: the password stops working after this time (UTC).',
  },
  services: {
    type: 'array',
    items: { type: 'string' },
    description:
      'Latchkey: slugs of the forward-auth services the password may enter (empty: all; never wider than the creating password).',
  },
} as const satisfies ArgSpecs;

/** WordPress's refusal for each capability, by the capability that was missing. */
export const DENIALS = {
  list_app_passwords: [
    'rest_cannot_list_application_passwords',
    'Sorry, you are not allowed to list application passwords for this user.',
  ],
  create_app_password: [
    'rest_cannot_create_application_passwords',
    'Sorry, you are not allowed to create application passwords for this user.',
  ],
  delete_app_passwords: [
    'rest_cannot_delete_application_passwords',
    'Sorry, you are not allowed to delete application passwords for this user.',
  ],
  read_app_password: [
    'rest_cannot_read_application_password',
    'Sorry, you are not allowed to read this application password.',
  ],
  edit_app_password: [
    'rest_cannot_edit_application_password',
    'Sorry, you are not allowed to edit this application password.',
  ],
  delete_app_password: [
    'rest_cannot_delete_application_password',
    'Sorry, you are not allowed to delete this application password.',
  ],
} as const;
