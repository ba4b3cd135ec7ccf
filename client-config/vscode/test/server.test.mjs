// The real blitzls server over stdio, driven with vscode-languageserver-protocol (the library
// the extension's vscode-languageclient is built on) against a scripted model endpoint.
//
// Needs the Python environment with blitzls installed: $BLITZLS_PYTHON, else ../../.venv/bin/python.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import rpc from 'vscode-languageserver-protocol/node.js';

import {
  EXTENSION_DIR,
  applyTextEdits,
  editsFor,
  startScriptedModel,
  startServer,
  tempDir,
  vscodeCapabilities,
} from './harness.mjs';

const PSEUDOCODE_KIND = 'refactor.rewrite.blitzls.pseudocode';
const APPLY_ACTION = 'blitzls.applyAction';
const EDIT_COMMAND = 'blitzls.edit';

// Non-ASCII text and an astral emoji (2 UTF-16 code units) sit before and on the pseudocode.
const BEFORE = [
  '"""Inventory — Grüße aus München, 東京 😀."""',
  '',
  '',
  'def total_price(items):',
  '    """Sum price × quantity 😀."""',
];
const COMMENTS = ['    # add up price times qty for every item 😀', '    # keep the result in total'];
const AFTER = ['    return total', '', '', 'def label(name):', '    return f"😀 {name}"', ''];
const CODE = [
  '    total = 0',
  '    for item in items:',
  '        total += item["price"] * item["qty"]',
];
const REPLY = ['Here is the code:', '', '```python', ...CODE, '```', ''].join('\n');

function documentText(eol) {
  return [...BEFORE, ...COMMENTS, ...AFTER].join(eol);
}

function expectedText(eol) {
  return [...BEFORE, ...CODE, ...AFTER].join(eol);
}

/** initializationOptions built from the extension's own contributed settings. */
function extensionSettings(overrides) {
  const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'package.json'), 'utf8'));
  const properties = manifest.contributes.configuration.properties;
  const settings = {};
  for (const [name, schema] of Object.entries(properties)) {
    const key = name.slice('blitzls.'.length);
    if (key === 'serverCommand' || key.startsWith('trace.')) {
      continue; // client-side settings, not sent to the server
    }
    settings[key] = schema.default;
  }
  return { ...settings, ...overrides };
}

let model;
let dir;

before(async () => {
  dir = tempDir();
  model = await startScriptedModel(REPLY, dir.path);
});

after(async () => {
  await model?.stop();
  dir?.cleanup();
});

async function session(t, { capabilities, initializationOptions, onApplyEdit }) {
  const server = startServer({
    modelUrl: model.url,
    cacheDir: join(dir.path, `cache-${Math.random().toString(36).slice(2)}`),
    onApplyEdit,
  });
  t.after(() => server.stop());
  const init = await server.request(rpc.InitializeRequest.type, {
    processId: process.pid,
    clientInfo: { name: 'Visual Studio Code', version: '1.95.0' },
    rootUri: pathToFileURL(dir.path).href,
    workspaceFolders: [{ uri: pathToFileURL(dir.path).href, name: 'test' }],
    capabilities,
    initializationOptions,
  });
  await server.connection.sendNotification(rpc.InitializedNotification.type, {});
  return { server, init };
}

function openDocument(server, name, text) {
  const uri = pathToFileURL(join(dir.path, name)).href;
  void server.connection.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'python', version: 1, text },
  });
  return uri;
}

/** Code actions for a cursor at the end of the first comment line (after the emoji). */
async function actionsAtComment(server, uri, triggerKind = 2) {
  const line = BEFORE.length;
  const character = COMMENTS[0].length; // JS string length is in UTF-16 code units
  const result = await server.request(rpc.CodeActionRequest.type, {
    textDocument: { uri },
    range: { start: { line, character }, end: { line, character } },
    context: { diagnostics: [], triggerKind },
  });
  return result ?? [];
}

describe('blitzls serve with VS Code capabilities', () => {
  test('initialize negotiates UTF-16 and advertises lazily resolved code actions', async (t) => {
    const { init } = await session(t, {
      capabilities: vscodeCapabilities(),
      initializationOptions: { blitzls: extensionSettings({ baseUrl: model.url }) },
    });
    const caps = init.capabilities;
    assert.equal(caps.positionEncoding ?? 'utf-16', 'utf-16');
    assert.equal(caps.codeActionProvider?.resolveProvider, true);
    assert.ok(caps.codeActionProvider.codeActionKinds.includes(PSEUDOCODE_KIND));
    assert.ok(caps.executeCommandProvider.commands.includes(APPLY_ACTION));
  });

  test('the pseudocode action lists without an edit, resolves and replaces only the comments', async (t) => {
    const { server } = await session(t, {
      capabilities: vscodeCapabilities(),
      initializationOptions: { blitzls: extensionSettings({ baseUrl: model.url }) },
    });
    const text = documentText('\n');
    const uri = openDocument(server, 'inventory.py', text);

    const actions = await actionsAtComment(server, uri);
    const pseudocode = actions.filter((a) => a.kind === PSEUDOCODE_KIND);
    assert.equal(pseudocode.length, 1, `actions: ${JSON.stringify(actions)}`);
    const action = pseudocode[0];
    assert.equal(action.title, 'Convert pseudocode to code');
    assert.equal(action.edit, undefined, 'listing must not compute the edit');
    assert.equal(action.command, undefined, 'VS Code resolves edits: no fallback command');
    assert.notEqual(action.data, undefined, 'resolve needs the data field');

    const resolved = await server.request(rpc.CodeActionResolveRequest.type, action);
    assert.equal(resolved.kind, PSEUDOCODE_KIND);
    assert.ok(resolved.edit, `no edit; messages: ${JSON.stringify(server.messages.showMessage)}`);
    assert.ok(Array.isArray(resolved.edit.documentChanges), 'documentChanges was negotiated');
    assert.equal(resolved.edit.documentChanges[0].textDocument.version, 1);
    const edited = applyTextEdits(text, editsFor(resolved.edit, uri));

    assert.ok(edited.includes('total += item["price"] * item["qty"]'), edited);
    assert.ok(!edited.includes('# add up price'), edited);
    assert.ok(!edited.includes('# keep the result'), edited);
    assert.ok(!edited.includes('Here is the code'), edited);
    assert.equal(edited, expectedText('\n'));
  });

  test("the extension's settings are all accepted (and an unknown one is reported)", async (t) => {
    const { server } = await session(t, {
      capabilities: vscodeCapabilities(),
      initializationOptions: {
        blitzls: extensionSettings({ baseUrl: model.url, notASetting: 1 }),
      },
    });
    // A request round trip: the server has handled `initialized` (and sent its warnings).
    const uri = openDocument(server, 'settings.py', documentText('\n'));
    await actionsAtComment(server, uri);
    const warnings = server.messages.showMessage.map((m) => m.message);
    assert.ok(
      warnings.some((m) => m.includes('notASetting')),
      `the unknown setting was not reported: ${JSON.stringify(warnings)}`,
    );
    const others = warnings.filter((m) => !m.includes('notASetting'));
    assert.deepEqual(others, [], 'a setting contributed by the extension was rejected');
  });

  test('without resolveSupport the action carries blitzls.applyAction, which applies the edit', async (t) => {
    const documents = new Map();
    const { server } = await session(t, {
      capabilities: vscodeCapabilities({ resolveEdit: false }),
      initializationOptions: { blitzls: { baseUrl: model.url } },
      onApplyEdit: (params) => {
        for (const [uri, text] of documents) {
          const edits = editsFor(params.edit, uri);
          if (edits.length > 0) {
            documents.set(uri, applyTextEdits(text, edits));
          }
        }
        return { applied: true };
      },
    });
    const text = documentText('\r\n'); // a CRLF file
    const uri = openDocument(server, 'crlf.py', text);
    documents.set(uri, text);

    const actions = (await actionsAtComment(server, uri, 1)).filter((a) => a.kind === PSEUDOCODE_KIND);
    assert.equal(actions.length, 1);
    const { command } = actions[0];
    assert.equal(command?.command, APPLY_ACTION);

    const ok = await server.request(rpc.ExecuteCommandRequest.type, {
      command: command.command,
      arguments: command.arguments,
    });
    assert.equal(ok, true, `messages: ${JSON.stringify(server.messages.showMessage)}`);
    assert.equal(server.applied.length, 1, 'exactly one workspace/applyEdit');
    assert.equal(documents.get(uri), expectedText('\r\n'));
  });

  test('blitzls.edit, when the server offers it, edits the given range', async (t) => {
    const documents = new Map();
    const { server, init } = await session(t, {
      capabilities: vscodeCapabilities(),
      initializationOptions: { blitzls: { baseUrl: model.url } },
      onApplyEdit: (params) => {
        for (const [uri, text] of documents) {
          const edits = editsFor(params.edit, uri);
          if (edits.length > 0) {
            documents.set(uri, applyTextEdits(text, edits));
          }
        }
        return { applied: true };
      },
    });
    const commands = init.capabilities.executeCommandProvider?.commands ?? [];
    if (!commands.includes(EDIT_COMMAND)) {
      t.skip(`the server does not offer ${EDIT_COMMAND} yet (commands: ${commands.join(', ')})`);
      return;
    }
    const text = documentText('\n');
    const uri = openDocument(server, 'edit.py', text);
    documents.set(uri, text);
    // Exactly the argument shape the extension's "Edit Selection with Instruction…" sends.
    const first = BEFORE.length;
    const last = first + COMMENTS.length - 1;
    await server.request(rpc.ExecuteCommandRequest.type, {
      command: EDIT_COMMAND,
      arguments: [
        {
          uri,
          range: {
            start: { line: first, character: 0 },
            end: { line: last, character: COMMENTS[COMMENTS.length - 1].length },
          },
          instruction: 'implement these comments',
        },
      ],
    });
    assert.ok(server.applied.length >= 1, 'no workspace/applyEdit arrived');
    const edited = documents.get(uri);
    assert.ok(edited.includes('total += item["price"] * item["qty"]'), edited);
    assert.ok(edited.startsWith(BEFORE.join('\n')), edited);
    assert.ok(edited.endsWith(AFTER.join('\n')), edited);
  });
});
