// Plain-text formatting for terminal help screens and e-mail bodies.

export const DEFAULT_WIDTH = 72;

export interface ParagraphOptions {
  width?: number;
  indent?: string;
}

export function indentLines(lines: string[], prefix: string): string[] {
  return lines.map((line) => (line === "" ? line : prefix + line));
}

export function center(text: string, width: number): string {
  const gap = Math.max(0, width - text.length);
  return " ".repeat(Math.floor(gap / 2)) + text;
}

export function wrap(text: string, width: number = DEFAULT_WIDTH): string[] {
  const words = text.split(/\s+/).filter((word) => word.length > 0);
  const lines: string[] = [];
  let current = "";
  for (const word of words) {
    // if current is empty, the word starts it
    // else if current plus a space plus the word still fits in width, append " " and the word
    // otherwise push current onto lines and start a new current with the word
    // (a word longer than width stays whole, on a line of its own)
  }
  if (current !== "") lines.push(current);
  return lines;
}

export function formatParagraphs(text: string, options: ParagraphOptions = {}): string {
  const indent = options.indent ?? "";
  const width = (options.width ?? DEFAULT_WIDTH) - indent.length;
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => indentLines(wrap(paragraph, width), indent).join("\n"))
    .join("\n\n");
}
