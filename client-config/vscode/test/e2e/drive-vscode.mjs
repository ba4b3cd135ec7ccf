// Drives a real VS Code (code-server in headless Chromium, through playwright-core) the way a
// person would: keys, menus, the command palette, notifications. Used by
// tests/e2e/test_vscode.py, which starts code-server, blitzls's model endpoint and this script,
// then checks the report it writes, the files on disk and the requests the endpoint received.
//
// Usage: node drive-vscode.mjs CONFIG.json. The config names the tools, the URL, the folders,
// files and lines, and where the screenshots and the report go. The report is written even
// when a step fails ({failed: {step, error}}), with a screenshot of that moment.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { chromium } = createRequire(join(config.tools, 'package.json'))('playwright-core');

const TIMEOUT = config.timeoutMs ?? 30000;
const report = { steps: {}, done: [], seconds: {} };
let page;
let step = 'start';

function note(key, value) {
  (report.steps[step] ??= {})[key] = value;
}

let stepStarted = Date.now();

/** Record how long into the current step LABEL was reached (to see where time goes). */
function mark(label) {
  ((report.steps[step] ??= {}).marks ??= {})[label] = (Date.now() - stepStarted) / 1000;
}

function saveReport() {
  writeFileSync(config.report, JSON.stringify(report, null, 2));
}

const pause = (ms) => page.waitForTimeout(ms);

/** Poll `check` until it returns something truthy; fail naming `what` after `timeout` ms. */
async function waitFor(what, check, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    }
    await pause(100);
  }
}

async function shot(name) {
  await page.screenshot({ path: join(config.shots, `${name}.png`) });
}

const clean = (text) => (text ?? '').replace(/\u00a0/g, ' ');

// --- the workbench --------------------------------------------------------------------------

/** Open FOLDER in the page and answer the workspace-trust question. */
async function openFolder(folder, trust) {
  await page.goto(`${config.url}/?folder=${encodeURIComponent(folder)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  const answer = trust ? 'Yes, I trust the authors' : "No, I don't trust the authors";
  await page.getByRole('button', { name: answer }).click({ timeout: 60000 });
  await page.locator('.monaco-dialog-box').waitFor({ state: 'detached' });
}

async function quickInput(keys, text) {
  await page.keyboard.press(keys);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await page.keyboard.type(text);
}

/**
 * Run a command from the command palette (F1) by its title. Then wait until the palette is
 * gone, or, for a command that asks for input, until its input box (titled OPENS) is there.
 */
async function command(title, opens = undefined) {
  await quickInput('F1', title);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.click();
  if (opens === undefined) {
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  } else {
    await page.locator('.quick-input-widget .quick-input-title', { hasText: opens }).waitFor();
  }
}

/** Quick Open (Ctrl+P) a file of the workspace; wait until its editor is active. */
async function openFile(name) {
  await quickInput('Control+P', name);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await activeTab(name).waitFor();
  await page.locator('.editor-instance .monaco-editor textarea').first().waitFor();
}

function activeTab(name) {
  return page.locator('.tabs-container .tab.active', { hasText: name });
}

/** Go to Line (Ctrl+G), e.g. "7:9"; the editor has the focus afterwards. */
async function goTo(position) {
  await quickInput('Control+G', position);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

const dirtyTab = () => page.locator('.tabs-container .tab.active.dirty').count();

/** Save the active editor if it has changes; the file's text afterwards. */
async function save(file) {
  if (await dirtyTab()) {
    await page.keyboard.press('Control+S');
    await waitFor('the editor to be saved', async () => (await dirtyTab()) === 0);
  }
  return readFileSync(file, 'utf8');
}

/**
 * Wait until FILE's text in the editor differs from BEFORE, and return it as saved. (VS Code
 * saves files changed by a code action itself: files.refactoring.autoSave.)
 */
async function changed(file, before) {
  return waitFor(`an edit in ${file}`, async () => {
    const text = await save(file);
    return text !== before ? text : undefined;
  });
}

/** The text of blitzls's status-bar item. */
async function blitzStatus() {
  const items = await page.$$eval('.statusbar-item', (elements) =>
    elements.map((e) => ({ id: e.id, text: e.innerText })),
  );
  const ours = items.find((item) => item.id.endsWith('blitzls.status'));
  return ours ? clean(ours.text).trim() : undefined;
}

/** Ctrl+. at the cursor until the menu lists TITLE (the server may still be starting). */
async function codeActionMenu(title) {
  const rows = page.locator('.action-widget .monaco-list-row');
  for (let attempt = 0; attempt < 30; attempt++) {
    await page.keyboard.press('Control+.');
    try {
      await rows.filter({ hasText: title }).first().waitFor({ timeout: 2000 });
      return (await rows.allInnerTexts()).map((t) => clean(t).trim());
    } catch {
      await page.keyboard.press('Escape');
      await pause(500);
    }
  }
  throw new Error(`the code-action menu never listed "${title}"`);
}

/** Move the menu's focus to TITLE with the arrow keys and press Enter, as a person would. */
async function pickCodeAction(title) {
  const focused = page.locator('.action-widget .monaco-list-row.focused');
  for (let i = 0; i < 20; i++) {
    if ((await focused.getAttribute('aria-label')) === title) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`could not move to "${title}" in the code-action menu`);
}

/** Visible notification toasts: [{severity, text}]. */
async function toasts() {
  return page.$$eval('.notifications-toasts .notification-list-item', (items) =>
    items.map((item) => {
      const icon = item.querySelector('.notification-list-item-icon');
      const severity = ['error', 'warning', 'info'].find((s) =>
        icon?.className.includes(`codicon-${s}`),
      );
      const message = item.querySelector('.notification-list-item-message');
      return { severity, text: message ? message.innerText : item.innerText };
    }),
  );
}

/**
 * The blitzls Output channel's lines. VS Code keeps each extension's output channel in a file
 * under the logs folder (exthost1/output_logging_TIME/N-blitzls.log): the newest is this page's.
 */
function outputLines() {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (/^\d+-blitzls\.log$/.test(entry.name) && dir.includes('output_logging_')) {
        found.push(path);
      }
    }
  };
  if (existsSync(config.logs)) {
    walk(config.logs);
  }
  found.sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  return found.length ? readFileSync(found.at(-1), 'utf8').split('\n') : [];
}

/** Wait until the Output channel has COUNT lines matching PATTERN (default: one). */
async function waitForOutput(pattern, count = 1) {
  return waitFor(`${pattern} in the blitzls output`, async () => {
    const lines = outputLines();
    return lines.filter((line) => pattern.test(line)).length >= count ? lines : undefined;
  });
}

/** The text the Output panel shows, wrapped lines joined again. */
async function outputPanelText() {
  const lines = await page.$$eval('.part.panel .view-lines .view-line', (elements) =>
    elements
      .map((e) => ({ top: parseFloat(e.style.top) || 0, text: e.innerText }))
      .sort((a, b) => a.top - b.top)
      .map((line) => line.text),
  );
  return clean(lines.join(''));
}

// --- the steps ------------------------------------------------------------------------------

const steps = {
  async pseudocode() {
    const s = config.pseudocode;
    await openFile(s.name);
    note('restricted', await page.locator('#status\\.workspaceTrust').isVisible());
    note('statusAtStart', await waitFor('the blitzls status-bar item', blitzStatus));
    await goTo(s.position);
    note('menu', await codeActionMenu(s.title));
    await shot('vscode-1-menu');
    const before = readFileSync(s.file, 'utf8');
    await pickCodeAction(s.title);
    note('progress', await waitFor('the progress', progressText, 10000));
    await shot('vscode-2-progress');
    note('text', await changed(s.file, before));
    // What the status bar shows once it has tokens, or after 10 s; the test judges it.
    const tokens = async () => {
      const text = await blitzStatus();
      return text && /tok/.test(text) ? text : undefined;
    };
    note('status', await waitFor('tokens', tokens, 10000).catch(blitzStatus));
    await shot('vscode-3-result');
  },

  /** The action's one-line summary in the blitzls Output channel, shown in the panel. */
  async output() {
    const pattern = new RegExp(config.output.pattern);
    const lines = await waitForOutput(pattern);
    mark('in the channel');
    note('lines', lines);
    const summary = lines.find((line) => pattern.test(line));
    await command('blitzls: Show Output');
    mark('shown');
    note('shown', await waitFor('the summary in the Output panel', async () =>
      (await outputPanelText()).includes(summary),
    ));
    await shot('output');
    await command('View: Hide Panel');
  },

  async undo() {
    note('text', await undoInto(config.pseudocode.file));
  },

  async edit() {
    const s = config.edit;
    await openFile(s.name);
    await goTo(s.from);
    for (let i = 0; i < s.down; i++) {
      await page.keyboard.press('Shift+ArrowDown');
    }
    await page.keyboard.press('Shift+End');
    await command('blitzls: Edit Selection with Instruction…', 'blitzls: Edit Selection');
    const box = page.locator('.quick-input-widget');
    await page.keyboard.type(s.instruction);
    note('prompt', clean(await box.innerText()));
    await shot('vscode-4-edit-prompt');
    const before = readFileSync(s.file, 'utf8');
    await page.keyboard.press('Enter');
    const after = await changed(s.file, before);
    note('text', after);
    await shot('vscode-5-edit-result');
    await page.keyboard.press('Control+Z');
    note('undone', await changed(s.file, after));
  },

  async fix() {
    const s = config.fix;
    await openFile(s.name);
    const squiggles = page.locator('.editor-instance .squiggly-error');
    const problems = () => page.locator('#status\\.problems').getAttribute('aria-label');
    note('problemsBefore', await waitFor('a TypeScript error', async () => {
      const label = await problems();
      return (await squiggles.count()) > 0 && label !== 'No Problems' ? label : undefined;
    }, 60000));
    mark('error shown');
    await goTo(s.position);
    note('menu', await codeActionMenu(s.title));
    const before = readFileSync(s.file, 'utf8');
    await pickCodeAction(s.title);
    note('text', await changed(s.file, before));
    mark('fixed');
    note('problemsAfter', await waitFor('the error to go away', async () => {
      const label = await problems();
      return (await squiggles.count()) === 0 && label === 'No Problems' ? label : undefined;
    }, 60000));
  },

  /** Workspace settings change: the server pulls them; a bad value is reported by name. */
  async settings() {
    const s = config.settings;
    const p = config.pseudocode;
    const applied = new RegExp(s.appliedPattern);
    const seen = outputLines().filter((line) => applied.test(line)).length;
    mkdirSync(dirname(s.file), { recursive: true });
    writeFileSync(s.file, JSON.stringify(s.first, null, 2));
    await waitForOutput(applied, seen + 1); // the server pulled the new settings
    note('first', await convert(p));
    note('firstUndone', await undoInto(p.file));
    writeFileSync(s.file, JSON.stringify(s.invalid, null, 2));
    note('notification', await waitFor('a notification about the bad value', async () => {
      const found = (await toasts()).find((toast) => toast.text.includes(s.invalidKey));
      return found;
    }));
    await pause(300); // the toast fades in
    await shot('settings-invalid');
    note('afterInvalid', await convert(p));
    note('afterInvalidUndone', await undoInto(p.file));
  },

  /** A slow action, cancelled from its progress notification. */
  async cancel() {
    const s = config.cancel;
    await openFile(s.name);
    await goTo(s.position);
    await codeActionMenu(s.title);
    await pickCodeAction(s.title);
    note('progress', await waitFor('the progress', progressText, 10000));
    mark('progress');
    await page.locator('#status\\.progress').click();
    const cancel = page.locator('.notification-list-item', { hasText: s.title })
      .getByRole('button', { name: 'Cancel' });
    await cancel.waitFor();
    note('notification', clean(
      await page.locator('.notification-list-item', { hasText: s.title }).first().innerText(),
    ));
    await shot('vscode-6-cancel');
    await cancel.click();
    mark('cancel clicked');
    await waitFor('the progress to end', async () => !(await progressText()));
    mark('progress ended');
    await waitFor('the endpoint to see the stream closed', async () =>
      existsSync(join(config.signals, 'stream-closed')),
    );
    mark('stream closed');
    note('dirty', (await dirtyTab()) > 0);
    note('text', readFileSync(s.file, 'utf8'));
    note('toasts', await toasts());
  },

  /** At the end of a phase: the cancelled file is still as it was, nothing is unsaved. */
  async final() {
    note('cancelled', readFileSync(config.cancel.file, 'utf8'));
    note('dirtyTabs', await page.locator('.tabs-container .tab.dirty').count());
  },

  /** Restricted Mode: the workspace's own blitzls.baseUrl must not be used. */
  async untrusted() {
    const s = config.untrusted;
    note('restricted', await page.locator('#status\\.workspaceTrust').isVisible());
    note('text', await convert(s));
  },
};

/** Convert the pseudocode at S.position in S.name through the Quick Fix menu; the new text. */
async function convert(s) {
  await openFile(s.name);
  await goTo(s.position);
  await codeActionMenu(s.title);
  const before = readFileSync(s.file, 'utf8');
  await pickCodeAction(s.title);
  return changed(s.file, before);
}

/** Ctrl+Z once in the active editor; the file's text afterwards. */
async function undoInto(file) {
  const before = readFileSync(file, 'utf8');
  await page.locator('.editor-instance .monaco-editor textarea').first().focus();
  await page.keyboard.press('Control+Z');
  return changed(file, before);
}

/** The progress item in the status bar, when it is blitzls's (no waiting: it may be absent). */
async function progressText() {
  const texts = await page.$$eval('#status\\.progress', (items) => items.map((e) => e.innerText));
  const text = clean(texts.join(' ')).trim();
  return text.includes('blitzls') ? text : undefined;
}

// --- main -----------------------------------------------------------------------------------

const browser = await chromium.launch({
  executablePath: config.chromium,
  args: [
    // CI runs as root, and Chromium refuses to start its sandbox as root: only then, no sandbox.
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    // No network beyond 127.0.0.1 here: none of Chromium's background services. No GPU either.
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--disable-gpu',
  ],
});
let status = 0;
try {
  page = await browser.newPage({ viewport: { width: 1000, height: 560 } });
  page.setDefaultTimeout(TIMEOUT);
  for (const phase of config.phases) {
    step = `open ${phase.folder}`;
    let started = Date.now();
    await openFolder(phase.folder, phase.trust);
    report.done.push(step);
    report.seconds[step] = (Date.now() - started) / 1000;
    for (const name of phase.steps) {
      step = name;
      started = stepStarted = Date.now();
      await steps[name]();
      report.done.push(name);
      report.seconds[name] = (Date.now() - started) / 1000;
      saveReport();
    }
  }
} catch (error) {
  status = 1;
  report.failed = { step, error: String(error?.stack ?? error) };
  if (page) {
    report.failed.toasts = await toasts().catch(() => []);
    await shot(`failed-${step.replace(/\W+/g, '-')}`).catch(() => {});
  }
} finally {
  saveReport();
  await browser.close();
}
process.exit(status);
