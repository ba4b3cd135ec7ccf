/**
 * Pure helpers (no `vscode` import) that turn VS Code settings into what the blitzls server
 * expects. Kept separate so `npm test` can check them with plain node.
 */

/** Languages the server is started for; `activationEvents` lists the same ones. */
export const LANGUAGES = [
  'python',
  'javascript',
  'javascriptreact',
  'typescript',
  'typescriptreact',
  'go',
  'rust',
  'c',
  'cpp',
  'csharp',
  'java',
  'kotlin',
  'ruby',
  'php',
  'lua',
  'shellscript',
  'swift',
];

/** Settings the server understands, spelled as in its `initializationOptions.blitzls`. */
export const SERVER_SETTING_KEYS = [
  'provider',
  'baseUrl',
  'model',
  'localModel',
  'apiKey',
  'apiKeyEnv',
  'cache',
  'cacheDir',
  'cacheSizeMb',
  'timeout',
  'connectTimeout',
  'maxRetries',
  'maxTokens',
  'temperature',
  'editFormat',
  'modelClass',
  'fillInMiddle',
  'prefillAnswer',
  'context',
  'actionTimeout',
  'contextLines',
  'dailyTokenBudget',
  'dailyCostBudget',
  'prefetch',
  'prefetchPerMinute',
  'prices',
  'exclude',
  'redact',
  'respectGitignore',
  'actions',
] as const;

export type ServerSettingKey = (typeof SERVER_SETTING_KEYS)[number];
export type ServerSettings = Partial<Record<ServerSettingKey, unknown>>;

/** The parts of `WorkspaceConfiguration.inspect()` that matter here. */
export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * Only the settings the user set explicitly (the most specific scope wins).
 *
 * Defaults are left out on purpose: the server's own defaults and its `BLITZLS_*`
 * environment variables then still apply, which sending VS Code's defaults would override.
 * An empty `apiKey` is treated as unset.
 */
export function explicitSettings(
  inspect: (key: ServerSettingKey) => Inspected | undefined,
): ServerSettings {
  const result: ServerSettings = {};
  for (const key of SERVER_SETTING_KEYS) {
    const info = inspect(key);
    if (info === undefined) {
      continue;
    }
    const value = [info.workspaceFolderValue, info.workspaceValue, info.globalValue].find(
      (v) => v !== undefined,
    );
    if (value === undefined || (key === 'apiKey' && value === '')) {
      continue;
    }
    result[key] = value;
  }
  return result;
}

/**
 * What a settings change requires: nothing, a `workspace/didChangeConfiguration`
 * notification, or a server restart (a setting was removed, so the server must fall back to
 * its environment and defaults, which it only reads at start).
 */
export function changeKind(
  previous: ServerSettings,
  next: ServerSettings,
): 'none' | 'notify' | 'restart' {
  const prevKeys = Object.keys(previous) as ServerSettingKey[];
  const nextKeys = Object.keys(next) as ServerSettingKey[];
  if (prevKeys.some((key) => !(key in next))) {
    return 'restart';
  }
  const same =
    prevKeys.length === nextKeys.length &&
    nextKeys.every((key) => JSON.stringify(previous[key]) === JSON.stringify(next[key]));
  return same ? 'none' : 'notify';
}

/** `blitzls.serverCommand` as an executable and its arguments, or an error message. */
export function parseServerCommand(
  value: unknown,
  home: string,
): { command: string; args: string[] } | { error: string } {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((part) => typeof part === 'string') ||
    value[0].trim() === ''
  ) {
    return {
      error:
        'blitzls.serverCommand must be a non-empty list of strings, e.g. ["blitzls", "serve"]',
    };
  }
  const expand = (part: string): string =>
    part === '~' ? home : part.startsWith('~/') ? home + part.slice(1) : part;
  const [command, ...args] = (value as string[]).map(expand);
  return { command, args };
}
