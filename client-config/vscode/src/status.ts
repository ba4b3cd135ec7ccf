/** Pure helpers for the status-bar item (no `vscode` import, tested with plain node). */

export interface StatusText {
  text: string;
  tooltip: string;
}

const ICON = '$(zap)';

/** The idle status-bar text. */
export function idleStatus(state: 'starting' | 'running' | 'stopped'): StatusText {
  const tooltip = {
    starting: 'blitzls: starting the language server…',
    running: 'blitzls: ready. Click to show the output.',
    stopped: 'blitzls: the language server is not running. Click to show the output.',
  }[state];
  return { text: state === 'stopped' ? '$(circle-slash) blitzls' : `${ICON} blitzls`, tooltip };
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * The status for a `blitzls/actionDone` notification `{tokens, cost, cacheHit}`.
 *
 * Tolerant of whatever arrives: unknown or malformed fields are ignored; `undefined` when
 * nothing usable is left (the caller then keeps the current text).
 */
export function actionDoneStatus(params: unknown): StatusText | undefined {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return undefined;
  }
  const record = params as Record<string, unknown>;
  const tokens = finiteNumber(record.tokens);
  const cost = finiteNumber(record.cost);
  const cacheHit = typeof record.cacheHit === 'boolean' ? record.cacheHit : undefined;
  if (tokens === undefined && cost === undefined && cacheHit === undefined) {
    return undefined;
  }
  const parts: string[] = [];
  if (cacheHit) {
    parts.push('cached');
  }
  if (tokens !== undefined) {
    parts.push(`${Math.round(tokens).toLocaleString('en-US')} tok`);
  }
  if (cost !== undefined && !cacheHit) {
    parts.push(formatCost(cost));
  }
  const details = [
    `tokens: ${tokens === undefined ? 'unknown' : Math.round(tokens).toLocaleString('en-US')}`,
    `cost: ${cost === undefined ? 'unknown' : formatCost(cost)}`,
    `cache hit: ${cacheHit === undefined ? 'unknown' : cacheHit ? 'yes' : 'no'}`,
  ];
  return {
    text: `${ICON} blitzls: ${parts.join(' · ')}`,
    tooltip: `blitzls — last action\n${details.join('\n')}`,
  };
}

/** US dollars with enough digits for sub-cent costs. */
export function formatCost(dollars: number): string {
  if (dollars === 0) {
    return '$0';
  }
  return dollars < 0.01 ? `$${dollars.toFixed(4)}` : `$${dollars.toFixed(2)}`;
}
