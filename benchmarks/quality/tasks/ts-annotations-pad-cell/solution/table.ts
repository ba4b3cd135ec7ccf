// Plain-text tables for the CLI's report output.

export type Align = "left" | "right" | "center";

export interface Column {
  title: string;
  width: number;
  align: Align;
}

export const SEPARATOR = " | ";

export function columnsFor(titles: string[], rows: string[][]): Column[] {
  return titles.map((title, i) => ({
    title,
    width: Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)),
    align: "left",
  }));
}

export function padCell(text: string, width: number, align: Align): string {
  if (text.length >= width) return text.slice(0, width);
  const gap = width - text.length;
  if (align === "right") return " ".repeat(gap) + text;
  if (align === "center") {
    const left = Math.floor(gap / 2);
    return " ".repeat(left) + text + " ".repeat(gap - left);
  }
  return text + " ".repeat(gap);
}

export function renderRow(cells: string[], columns: Column[]): string {
  return columns.map((column, i) => padCell(cells[i] ?? "", column.width, column.align)).join(SEPARATOR);
}

export function renderTable(columns: Column[], rows: string[][]): string {
  const header = renderRow(columns.map((column) => column.title), columns);
  const rule = columns.map((column) => "-".repeat(column.width)).join("-+-");
  return [header, rule, ...rows.map((row) => renderRow(row, columns))].join("\n");
}
