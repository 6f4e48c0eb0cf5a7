import { parseArgs } from 'node:util';
import {
  CONFIG_OPTIONS,
  ConfigError,
  loadConfig,
  secretsOnCommandLine,
  type Config,
} from '../config/index.js';
import type { ConfigInput } from '../config/loadConfig.js';

/** Usage mistakes: exit code 2 with one line, like configuration errors. */
/** Something named on the command line does not exist (exit code 1). */
export class NotFound extends Error {}

export class UsageError extends Error {}

const configFlagOptions = {
  ...Object.fromEntries(
    Object.values(CONFIG_OPTIONS).map((o) => [o.flag, { type: 'string' as const }]),
  ),
  // The installation key read from a file (LATCHKEY_SECRET_FILE is its environment form).
  'secret-file': { type: 'string' as const },
};

export interface ParsedCommand {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
  config: () => Config;
  /** The secrets given as flags, visible to other local users (the server warns). */
  exposedSecrets: () => string[];
}

/** Parses the command's own flags plus every configuration flag (so any command reaches the same store). */
export function parseCommand(
  argv: string[],
  own: Record<string, { type: 'string' | 'boolean' }>,
): ParsedCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...configFlagOptions, ...own, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  return {
    positionals: parsed.positionals,
    values,
    config: () => loadConfig(configInput(values), process.env),
    exposedSecrets: () => secretsOnCommandLine(configInput(values)),
  };
}

function configInput(values: Record<string, string | boolean | undefined>): ConfigInput {
  const input: ConfigInput = {};
  for (const [key, option] of Object.entries(CONFIG_OPTIONS)) {
    const v = values[option.flag];
    if (typeof v === 'string') input[key as keyof Config] = v;
  }
  if (typeof values['secret-file'] === 'string') input.secretFile = values['secret-file'];
  return input;
}

export { ConfigError };
