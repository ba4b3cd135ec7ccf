// The extension's pure helpers (compiled to out/ by `npm run build`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { EXTENSION_DIR } from './harness.mjs';

const require = createRequire(import.meta.url);
const settings = require('../out/settings.js');
const status = require('../out/status.js');
const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'package.json'), 'utf8'));

describe('manifest', () => {
  test('the extension activates for exactly the languages it starts the server for', () => {
    const events = settings.LANGUAGES.map((language) => `onLanguage:${language}`);
    assert.deepEqual(manifest.activationEvents, events);
  });

  test('the contributed commands are the ones the extension registers', () => {
    const source = readFileSync(join(EXTENSION_DIR, 'src', 'extension.ts'), 'utf8');
    const registered = [...source.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]);
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.deepEqual([...registered].sort(), [...contributed].sort());
  });
});

describe('settings', () => {
  test('every server setting is contributed to VS Code, and nothing else but client ones', () => {
    const contributed = Object.keys(manifest.contributes.configuration.properties)
      .map((name) => name.slice('blitzls.'.length))
      .filter((key) => key !== 'serverCommand' && !key.startsWith('trace.'));
    assert.deepEqual([...contributed].sort(), [...settings.SERVER_SETTING_KEYS].sort());
  });

  test('only explicitly set values are sent; the most specific scope wins', () => {
    const inspected = {
      model: { globalValue: 'a', workspaceValue: 'b' },
      timeout: { globalValue: 5, workspaceValue: 6, workspaceFolderValue: 7 },
      cache: { globalValue: false },
      apiKey: { globalValue: '' },
      baseUrl: {},
    };
    const result = settings.explicitSettings((key) => inspected[key]);
    assert.deepEqual(result, { model: 'b', timeout: 7, cache: false });
  });

  test('changeKind: same, changed, removed', () => {
    assert.equal(settings.changeKind({ model: 'a' }, { model: 'a' }), 'none');
    assert.equal(settings.changeKind({ model: 'a' }, { model: 'b' }), 'notify');
    assert.equal(settings.changeKind({}, { model: 'b' }), 'notify');
    assert.equal(settings.changeKind({ model: 'a', timeout: 3 }, { model: 'a' }), 'restart');
  });

  test('parseServerCommand expands ~ and rejects bad values', () => {
    assert.deepEqual(settings.parseServerCommand(['blitzls', 'serve'], '/h'), {
      command: 'blitzls',
      args: ['serve'],
    });
    assert.deepEqual(settings.parseServerCommand(['~/venv/bin/blitzls', 'serve', '~'], '/h'), {
      command: '/h/venv/bin/blitzls',
      args: ['serve', '/h'],
    });
    for (const bad of [[], 'blitzls serve', [1], [''], undefined]) {
      assert.ok('error' in settings.parseServerCommand(bad, '/h'), JSON.stringify(bad));
    }
  });
});

describe('status bar', () => {
  test('blitzls/actionDone shows tokens and cost', () => {
    const shown = status.actionDoneStatus({ tokens: 1234, cost: 0.0021, cacheHit: false });
    assert.equal(shown.text, '$(zap) blitzls: 1,234 tok · $0.0021');
    assert.match(shown.tooltip, /cache hit: no/);
  });

  test('a cache hit shows as cached, without a cost', () => {
    const shown = status.actionDoneStatus({ tokens: 10, cost: 0, cacheHit: true });
    assert.equal(shown.text, '$(zap) blitzls: cached · 10 tok');
  });

  test('malformed notifications are tolerated', () => {
    for (const bad of [null, undefined, 3, 'x', [], {}, { tokens: 'many' }, { cost: -1 }]) {
      assert.equal(status.actionDoneStatus(bad), undefined, JSON.stringify(bad));
    }
    const partial = status.actionDoneStatus({ tokens: 5, extra: { nested: true } });
    assert.equal(partial.text, '$(zap) blitzls: 5 tok');
  });
});
