export {
  loadConfig,
  ConfigError,
  CONFIG_OPTIONS,
  SECRET_SETTINGS,
  secretsOnCommandLine,
} from './loadConfig.js';
export type { Config, Environment } from './loadConfig.js';
export { loadInstallationKey } from './installationKey.js';
