export { loadConfig, ConfigError, CONFIG_OPTIONS } from './loadConfig.js';
export type { Config, Environment } from './loadConfig.js';
export { loadInstallationKey } from './installationKey.js';
