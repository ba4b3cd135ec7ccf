/**
 * The blitzls VS Code extension: starts `blitzls serve` on stdio through vscode-languageclient,
 * passes the user's settings, adds "Edit Selection with Instruction…", a status-bar item and an
 * output channel. The code actions themselves (Refactor… → "Convert pseudocode to code") come
 * from the server with no extension code.
 */
import * as os from 'os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

import {
  changeKind,
  explicitSettings,
  LANGUAGES,
  parseServerCommand,
  ServerSettings,
} from './settings';
import { actionDoneStatus, idleStatus, StatusText } from './status';

const SECTION = 'blitzls';
const EDIT_COMMAND = 'blitzls.edit';
const ACTION_DONE = 'blitzls/actionDone';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;
let sentSettings: ServerSettings = {};

function currentSettings(scope?: vscode.Uri): ServerSettings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return explicitSettings((key) => config.inspect(key));
}

function showStatus(value: StatusText): void {
  status.text = value.text;
  status.tooltip = value.tooltip;
}

function createClient(): LanguageClient | undefined {
  const config = vscode.workspace.getConfiguration(SECTION);
  const parsed = parseServerCommand(config.get('serverCommand'), os.homedir());
  if ('error' in parsed) {
    output.appendLine(parsed.error);
    void vscode.window.showErrorMessage(parsed.error);
    return undefined;
  }
  const serverOptions: ServerOptions = {
    command: parsed.command,
    args: parsed.args,
    options: { env: process.env },
  };
  sentSettings = currentSettings();
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    initializationOptions: { [SECTION]: sentSettings },
    outputChannel: output,
    traceOutputChannel: output,
    middleware: {
      workspace: {
        // Answer workspace/configuration pulls with the explicit settings only, like
        // initializationOptions, so the server's environment variables keep working.
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) {
            return answers;
          }
          return params.items.map((item, index) =>
            item.section === SECTION
              ? currentSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
              : answers[index],
          );
        },
      },
    },
  };
  const created = new LanguageClient(SECTION, 'blitzls', serverOptions, clientOptions);
  created.onDidChangeState((event) => {
    if (event.newState === State.Running) {
      showStatus(idleStatus('running'));
    } else if (event.newState === State.Starting) {
      showStatus(idleStatus('starting'));
    } else {
      showStatus(idleStatus('stopped'));
    }
  });
  created.onNotification(ACTION_DONE, (params: unknown) => {
    const shown = actionDoneStatus(params);
    if (shown === undefined) {
      output.appendLine(`ignored a malformed ${ACTION_DONE} notification: ${safeJson(params)}`);
      return;
    }
    showStatus(shown);
    output.appendLine(`${ACTION_DONE}: ${safeJson(params)}`);
  });
  return created;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

async function startClient(): Promise<void> {
  client = createClient();
  if (client === undefined) {
    showStatus(idleStatus('stopped'));
    return;
  }
  try {
    await client.start();
  } catch (error) {
    const message =
      `blitzls: could not start the server (${errorText(error)}). ` +
      'Check the "blitzls.serverCommand" setting.';
    output.appendLine(message);
    void vscode.window.showErrorMessage(message, 'Show Output').then((choice) => {
      if (choice) {
        output.show(true);
      }
    });
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    try {
      await running.stop();
    } catch (error) {
      output.appendLine(`blitzls: error while stopping the server: ${errorText(error)}`);
    }
  }
}

async function restartClient(): Promise<void> {
  await stopClient();
  await startClient();
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Settings changed: restart for a new command or a removed setting, else notify the server. */
async function onConfigurationChanged(event: vscode.ConfigurationChangeEvent): Promise<void> {
  if (!event.affectsConfiguration(SECTION)) {
    return;
  }
  if (event.affectsConfiguration(`${SECTION}.serverCommand`)) {
    await restartClient();
    return;
  }
  const next = currentSettings();
  const kind = changeKind(sentSettings, next);
  if (kind === 'restart') {
    await restartClient();
  } else if (kind === 'notify' && client?.isRunning()) {
    sentSettings = next;
    await client.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { [SECTION]: next },
    });
  }
}

/** "blitzls: Edit Selection with Instruction…": prompt, then run the server's `blitzls.edit`. */
async function editSelection(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined) {
    void vscode.window.showInformationMessage('blitzls: open a file and select the code to edit.');
    return;
  }
  const running = client;
  if (running === undefined || !running.isRunning()) {
    void vscode.window.showWarningMessage('blitzls: the language server is not running.');
    return;
  }
  const offered = running.initializeResult?.capabilities.executeCommandProvider?.commands;
  if (offered !== undefined && !offered.includes(EDIT_COMMAND)) {
    void vscode.window.showWarningMessage(
      'blitzls: this server version has no instruction edits yet (no "blitzls.edit" command). ' +
        'Update blitzls, or write "# ai! <instruction>" on a line and use the code actions.',
    );
    return;
  }
  const document = editor.document;
  const selection = editor.selection;
  const range = selection.isEmpty ? document.lineAt(selection.active.line).range : selection;
  const instruction = await vscode.window.showInputBox({
    title: 'blitzls: Edit Selection',
    prompt: selection.isEmpty
      ? `Instruction for line ${range.start.line + 1}`
      : `Instruction for lines ${range.start.line + 1}-${range.end.line + 1}`,
    placeHolder: 'e.g. add type hints and a docstring',
    ignoreFocusOut: true,
  });
  if (instruction === undefined || instruction.trim() === '') {
    return;
  }
  const converter = running.code2ProtocolConverter;
  const argument = {
    uri: converter.asUri(document.uri),
    range: converter.asRange(range),
    instruction: instruction.trim(),
  };
  output.appendLine(`${EDIT_COMMAND}: ${safeJson(argument)}`);
  try {
    await running.sendRequest(ExecuteCommandRequest.type, {
      command: EDIT_COMMAND,
      arguments: [argument],
    });
  } catch (error) {
    const message = `blitzls: the edit failed: ${errorText(error)}`;
    output.appendLine(message);
    void vscode.window.showErrorMessage(message);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('blitzls');
  status = vscode.window.createStatusBarItem('blitzls.status', vscode.StatusBarAlignment.Right, 100);
  status.name = 'blitzls';
  status.command = 'blitzls.showOutput';
  showStatus(idleStatus('starting'));
  status.show();
  context.subscriptions.push(
    output,
    status,
    vscode.commands.registerCommand('blitzls.editSelection', editSelection),
    vscode.commands.registerCommand('blitzls.restartServer', restartClient),
    vscode.commands.registerCommand('blitzls.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
  );
  await startClient();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
