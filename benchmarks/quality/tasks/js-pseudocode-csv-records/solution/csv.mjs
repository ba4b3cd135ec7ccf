// Small CSV helpers for exporting and importing report rows.

const DELIMITER = ",";
const QUOTE = '"';

export class CsvError extends Error {
  constructor(message, line) {
    super(`line ${line}: ${message}`);
    this.name = "CsvError";
    this.line = line;
  }
}

export function escapeField(value) {
  const text = String(value ?? "");
  if (text.includes(DELIMITER) || text.includes(QUOTE) || text.includes("\n")) {
    return QUOTE + text.replaceAll(QUOTE, QUOTE + QUOTE) + QUOTE;
  }
  return text;
}

export function splitRow(line) {
  return line.split(DELIMITER).map((field) => field.trim());
}

export function toRecords(text) {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length === 0) return [];
  const header = splitRow(lines[0]);
  const records = [];
  for (let i = 1; i < lines.length; i++) {
    const fields = splitRow(lines[i]);
    if (fields.length !== header.length) {
      throw new CsvError(`expected ${header.length} fields`, i + 1);
    }
    records.push(Object.fromEntries(header.map((name, index) => [name, fields[index]])));
  }
  return records;
}

export function toCsv(records, columns) {
  const head = columns.map(escapeField).join(DELIMITER);
  const body = records.map((record) =>
    columns.map((column) => escapeField(record[column])).join(DELIMITER),
  );
  return [head, ...body].join("\n");
}
