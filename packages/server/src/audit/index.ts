export {
  recordAuditEvent,
  recordAuditEvents,
  listAuditEvents,
  AUDIT_EVENTS,
  type AuditEvent,
  type AuditEventInput,
  type AuditEventName,
} from './events.js';
export { AuditBuffer } from './buffer.js';
