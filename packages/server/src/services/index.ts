export {
  ServiceError,
  SLUG_PATTERN,
  formatServiceHost,
  parseNewService,
  parseServiceHost,
  type NewService,
  type Service,
  type ServiceHost,
  type TwoFactorRule,
} from './service.js';
export {
  addService,
  findService,
  listServices,
  removeService,
  serviceShape,
  toService,
} from './records.js';
export { matchService, normalisePath, type OriginalTarget } from './match.js';
export { admits, type Admission, type Principal, type RefusalReason } from './admission.js';
export { ServiceDirectory, SERVICE_DIRECTORY_TTL_MS, serviceDirectoryOf } from './directory.js';
export { parseServicesLimit } from './servicesLimit.js';
