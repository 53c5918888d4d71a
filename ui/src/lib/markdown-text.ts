// A tiny reader for the rules' own markdown documentation (headings, paragraphs,
// fenced code, inline code) into plain blocks that the views render as text.
// No HTML is produced, so nothing in a document can become markup.

export type Inline = { code: boolean; text: string };
export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; parts: Inline[] }
  | { kind: 'code'; text: string };

export function inline(text: string): Inline[] {
  return text.split('`').map((t, i) => ({ code: i % 2 === 1, text: t })).filter((p) => p.text);
}

export function blocks(md: string): Block[] {
  const out: Block[] = [];
  const lines = md.split('\n');
  let para: string[] = [];
  const flush = () => {
    if (para.length) out.push({ kind: 'paragraph', parts: inline(para.join(' ')) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.startsWith('```')) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) code.push(lines[i]);
      out.push({ kind: 'code', text: code.join('\n') });
    } else if (/^#{1,6} /.test(l)) {
      flush();
      out.push({ kind: 'heading', text: l.replace(/^#+ /, '') });
    } else if (!l.trim()) flush();
    else para.push(l.trim());
  }
  flush();
  return out;
}

/** The blocks under the headings whose title matches `wanted` (e.g. why / impact). */
export function sections(md: string, wanted: RegExp): Block[] {
  const out: Block[] = [];
  let keep = false;
  for (const b of blocks(md)) {
    if (b.kind === 'heading') keep = wanted.test(b.text);
    if (keep) out.push(b);
  }
  return out;
}
