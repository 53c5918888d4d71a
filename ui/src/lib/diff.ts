// The before/after of a fixed finding: the real code after the fix is the block
// around the finding's place, at the file's indentation (a method inside its
// class, with its neighbours). Cut to the changed part and at the before's
// indentation, a line diff marks only the lines that changed. The same cut as
// the report's (`focus` in src/report/model.rs).

const indent = (l: string) => l.length - l.trimStart().length;

export function focus(before: string, after: string): string {
  const first = before.split('\n').find((l) => l.trim() !== '');
  if (first === undefined) return after;
  const lines = after.split('\n');
  const k = lines.findIndex((l) => l.trim() === first.trim());
  if (k < 0) return after;
  const shift = Math.max(0, indent(lines[k]) - indent(first));
  if (k === 0 && shift === 0) return after;
  // Keep following lines while they are indented at least as deep as the match.
  const base = indent(lines[k]);
  const out: string[] = [];
  for (const l of lines.slice(k)) {
    if (l.trim() !== '' && indent(l) < base) break;
    out.push(l.length >= shift && l.slice(0, shift).trim() === '' ? l.slice(shift) : l.trimStart());
  }
  while (out.length && out[out.length - 1].trim() === '') out.pop();
  return `${out.join('\n')}\n`;
}
