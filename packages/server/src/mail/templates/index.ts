export {
  applicationPasswordCreated,
  type ApplicationPasswordCreatedMail,
} from './applicationPasswordCreated.js';
export { plainMessage } from './plainMessage.js';
