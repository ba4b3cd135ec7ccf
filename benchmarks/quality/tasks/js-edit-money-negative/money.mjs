// Formatting and parsing amounts on invoices and statements. Amounts are integers in
// the currency's minor unit (cents for USD and EUR, yen for JPY).

export const CURRENCIES = {
  USD: { symbol: "$", decimals: 2 },
  EUR: { symbol: "€", decimals: 2 },
  GBP: { symbol: "£", decimals: 2 },
  JPY: { symbol: "¥", decimals: 0 },
};

export function groupThousands(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function formatMoney(amount, currency = "USD") {
  const { symbol, decimals } = CURRENCIES[currency];
  const negative = amount < 0;
  const units = Math.abs(amount);
  const whole = Math.floor(units / 10 ** decimals);
  const fraction = units % 10 ** decimals;
  let text = symbol + groupThousands(String(whole));
  if (decimals > 0) text += "." + String(fraction).padStart(decimals, "0");
  return negative ? "-" + text : text;
}

export function parseMoney(text, currency = "USD") {
  const { symbol, decimals } = CURRENCIES[currency];
  const cleaned = text.replace(symbol, "").replaceAll(",", "").trim();
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) throw new Error(`not an amount: ${text}`);
  return Math.round(Number(cleaned) * 10 ** decimals);
}

export function lineTotal(line) {
  return line.quantity * line.unitPrice;
}

export function statementLines(lines, currency = "USD") {
  return lines.map((line) => `${line.label.padEnd(24)}${formatMoney(lineTotal(line), currency)}`);
}
