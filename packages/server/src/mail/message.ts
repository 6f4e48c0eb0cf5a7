/** What a template produces: both parts, so every client shows something sensible. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** One message to one recipient. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface SendResult {
  /** `smtp`: accepted by the SMTP server; `outbox`: written as an .eml file (no SMTP_URL). */
  delivered: 'smtp' | 'outbox';
  /** The .eml file, when written to the outbox. */
  path?: string;
}
