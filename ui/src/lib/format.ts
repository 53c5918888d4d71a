// Small display helpers shared by the views.

export function formatTime(unix: number | null | undefined): string {
  if (!unix) return '';
  const d = new Date(unix * 1000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

export function label(state: string): string {
  return state.replace(/_/g, ' ');
}

export function basename(path: string): string {
  return path.split('/').pop() ?? path;
}

/** Splits `a \`b\` c` into text and code pieces; an unpaired backtick stays text. */
export function codeSpans(text: string): { text: string; code: boolean }[] {
  const out: { text: string; code: boolean }[] = [];
  const re = /`([^`\n]+)`/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), code: false });
    out.push({ text: m[1], code: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), code: false });
  return out;
}

/** The text without its code spans' backticks (tooltips). */
export function plain(text: string): string {
  return codeSpans(text).map((p) => p.text).join('');
}
