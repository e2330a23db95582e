/**
 * Terminal styling: ANSI SGR codes when color is on, plain text otherwise. Color is the
 * caller's decision (a TTY without NO_COLOR, https://no-color.org).
 */
export interface Style {
  readonly error: (text: string) => string;
  readonly warning: (text: string) => string;
  readonly ok: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
  readonly accent: (text: string) => string;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export const COLOR_STYLE: Style = {
  error: sgr(31, 39),
  warning: sgr(33, 39),
  ok: sgr(32, 39),
  dim: sgr(2, 22),
  bold: sgr(1, 22),
  accent: sgr(36, 39),
};

const same = (text: string) => text;

export const PLAIN_STYLE: Style = { error: same, warning: same, ok: same, dim: same, bold: same, accent: same };

export function styleFor(color: boolean): Style {
  return color ? COLOR_STYLE : PLAIN_STYLE;
}

/** `s` when the count is not 1. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
