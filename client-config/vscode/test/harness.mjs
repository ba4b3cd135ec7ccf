// Test support: the scripted model endpoint, the real blitzls server over stdio and a
// vscode-languageserver-protocol connection to it (the library vscode-languageclient uses).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import rpc from 'vscode-languageserver-protocol/node.js';

export const EXTENSION_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(EXTENSION_DIR, '..', '..');

/** The Python that runs blitzls: $BLITZLS_PYTHON, else ../../.venv/bin/python. */
export function pythonExecutable() {
  const configured = process.env.BLITZLS_PYTHON;
  if (configured) {
    return isAbsolute(configured) || !configured.includes('/')
      ? configured
      : resolve(EXTENSION_DIR, configured);
  }
  return resolve(EXTENSION_DIR, '..', '..', '.venv', 'bin', 'python');
}

/** A fresh temporary directory, removed by the returned cleanup function. */
export function tempDir(prefix = 'blitzls-vscode-test-') {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** This environment without any model configuration a developer may have set. */
function cleanEnvironment() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(BLITZLS_|OPENAI_|XAI_|OPENROUTER_)/.test(key)) {
      env[key] = value;
    }
  }
  const source = join(REPO_ROOT, 'server');
  env.PYTHONPATH = [source, REPO_ROOT, env.PYTHONPATH].filter(Boolean).join(':');
  return env;
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Start `python -m tests.support.scripted_model --port 0 --reply-file FILE`; resolves to
 * `{url, stop}` once it printed its base URL.
 */
export async function startScriptedModel(replyText, dir) {
  const replyFile = join(dir, 'reply.txt');
  writeFileSync(replyFile, replyText, 'utf8');
  const child = spawn(
    pythonExecutable(),
    ['-m', 'tests.support.scripted_model', '--port', '0', '--reply-file', replyFile],
    { cwd: REPO_ROOT, env: cleanEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((_, reject) => {
    child.once('error', (error) =>
      reject(
        new Error(
          `cannot run ${pythonExecutable()} (set BLITZLS_PYTHON to a Python with blitzls ` +
            `installed): ${error.message}`,
        ),
      ),
    );
    child.once('exit', (code) =>
      reject(new Error(`scripted model exited with ${code} before printing its URL:\n${stderr}`)),
    );
  });
  const lines = createInterface({ input: child.stdout });
  const firstLine = new Promise((resolveLine) => lines.once('line', resolveLine));
  let url;
  try {
    url = (await withTimeout(Promise.race([firstLine, exited]), 20000, 'scripted model URL')).trim();
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  child.removeAllListeners('exit');
  if (!/^http:\/\/127\.0\.0\.1:\d+\/v1$/.test(url)) {
    child.kill('SIGKILL');
    throw new Error(`unexpected scripted model output: ${url}`);
  }
  return {
    url,
    stop: () => stopProcess(child),
  };
}

function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Start `python -m blitzls serve` talking to `modelUrl` and connect to it over stdio.
 *
 * Server-to-client requests are answered the way VS Code does; `workspace/applyEdit` calls
 * `onApplyEdit(params)` (default: accept). Notifications are recorded in `messages`.
 */
export function startServer({ modelUrl, cacheDir, onApplyEdit }) {
  const env = {
    ...cleanEnvironment(),
    BLITZLS_BASE_URL: modelUrl,
    BLITZLS_API_KEY: 'test',
    BLITZLS_CACHE_DIR: cacheDir,
    BLITZLS_MAX_RETRIES: '0',
    BLITZLS_TIMEOUT: '10',
  };
  const child = spawn(pythonExecutable(), ['-m', 'blitzls', 'serve'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const connection = rpc.createProtocolConnection(
    new rpc.StreamMessageReader(child.stdout),
    new rpc.StreamMessageWriter(child.stdin),
  );
  const messages = { showMessage: [], logMessage: [], progress: [], notifications: [] };
  const applied = [];
  connection.onRequest(rpc.ApplyWorkspaceEditRequest.type, async (params) => {
    applied.push(params);
    return onApplyEdit ? onApplyEdit(params) : { applied: true };
  });
  connection.onRequest(rpc.WorkDoneProgressCreateRequest.type, () => null);
  connection.onRequest(rpc.RegistrationRequest.type, () => null);
  connection.onRequest(rpc.UnregistrationRequest.type, () => null);
  connection.onRequest(rpc.ConfigurationRequest.type, (params) => params.items.map(() => null));
  connection.onRequest(rpc.ShowMessageRequest.type, () => null);
  connection.onNotification(rpc.ShowMessageNotification.type, (p) => messages.showMessage.push(p));
  connection.onNotification(rpc.LogMessageNotification.type, (p) => messages.logMessage.push(p));
  connection.onUnhandledProgress((p) => messages.progress.push(p));
  connection.onNotification((method, params) => messages.notifications.push({ method, params }));
  connection.listen();

  const exited = new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return {
    connection,
    messages,
    applied,
    child,
    stderr: () => stderr,
    exited,
    /** Send a request, failing with the server's stderr if it takes too long. */
    request(type, params, ms = 30000) {
      return withTimeout(
        Promise.race([
          connection.sendRequest(type, params),
          exited.then((code) => {
            throw new Error(`blitzls exited with ${code}:\n${stderr}`);
          }),
        ]),
        ms,
        `${typeof type === 'string' ? type : type.method}; server stderr:\n${stderr}`,
      );
    },
    async stop() {
      if (child.exitCode === null) {
        try {
          await withTimeout(connection.sendRequest(rpc.ShutdownRequest.type), 5000, 'shutdown');
          await connection.sendNotification(rpc.ExitNotification.type);
        } catch {
          // fall through to the kill below
        }
        await withTimeout(exited, 5000, 'exit').catch(() => child.kill('SIGKILL'));
      }
      connection.dispose();
    },
  };
}

/** Client capabilities close to what VS Code 1.9x sends (the parts blitzls reads). */
export function vscodeCapabilities({ resolveEdit = true } = {}) {
  return {
    general: { positionEncodings: ['utf-16'] },
    workspace: {
      applyEdit: true,
      workspaceEdit: {
        documentChanges: true,
        resourceOperations: ['create', 'rename', 'delete'],
        failureHandling: 'textOnlyTransactional',
        normalizesLineEndings: true,
        changeAnnotationSupport: { groupsOnLabel: true },
      },
      didChangeConfiguration: { dynamicRegistration: true },
      executeCommand: { dynamicRegistration: true },
      configuration: true,
      workspaceFolders: true,
    },
    textDocument: {
      synchronization: { dynamicRegistration: true, willSave: true, willSaveWaitUntil: true, didSave: true },
      codeAction: {
        dynamicRegistration: true,
        isPreferredSupport: true,
        disabledSupport: true,
        dataSupport: true,
        honorsChangeAnnotations: true,
        resolveSupport: { properties: resolveEdit ? ['edit'] : [] },
        codeActionLiteralSupport: {
          codeActionKind: {
            valueSet: [
              '',
              'quickfix',
              'refactor',
              'refactor.extract',
              'refactor.inline',
              'refactor.rewrite',
              'source',
              'source.organizeImports',
            ],
          },
        },
      },
    },
    window: {
      workDoneProgress: true,
      showMessage: { messageActionItem: { additionalPropertiesSupport: true } },
      showDocument: { support: true },
    },
  };
}

/** Split text into lines, keeping each line's start offset (LSP line breaks only). */
function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\r' && text[i + 1] === '\n') {
      starts.push(i + 2);
      i++;
    } else if (ch === '\n' || ch === '\r') {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** Offset of a UTF-16 LSP position (JS strings are UTF-16, so characters map directly). */
export function offsetAt(text, position) {
  const starts = lineStarts(text);
  if (position.line >= starts.length) {
    return text.length;
  }
  const start = starts[position.line];
  const next = position.line + 1 < starts.length ? starts[position.line + 1] : text.length;
  let end = next;
  while (end > start && (text[end - 1] === '\n' || text[end - 1] === '\r')) {
    end--;
  }
  return Math.min(start + position.character, end);
}

/** Apply LSP text edits (UTF-16 positions) to `text`, as an editor would. */
export function applyTextEdits(text, edits) {
  const spans = edits
    .map((edit) => ({
      start: offsetAt(text, edit.range.start),
      end: offsetAt(text, edit.range.end),
      newText: edit.newText,
    }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let result = text;
  for (const span of spans) {
    result = result.slice(0, span.start) + span.newText + result.slice(span.end);
  }
  return result;
}

/** The edits a WorkspaceEdit makes to `uri` (documentChanges or changes). */
export function editsFor(workspaceEdit, uri) {
  if (workspaceEdit.documentChanges) {
    return workspaceEdit.documentChanges
      .filter((change) => change.textDocument && change.textDocument.uri === uri)
      .flatMap((change) => change.edits);
  }
  return (workspaceEdit.changes && workspaceEdit.changes[uri]) || [];
}
