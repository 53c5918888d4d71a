// Renders markdown (the report preview) to DOM nodes without ever parsing HTML:
// markdown-it tokenises with raw HTML off, and each token becomes an element made
// with createElement from a fixed list of tags, its text set with textContent.
// The repository's text (paths, code, messages) therefore stays text whatever it
// contains; links are shown, not followed (the preview is not a browser), and
// images are not fetched.

import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

const TAGS = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'table', 'thead',
  'tbody', 'tr', 'th', 'td', 'strong', 'em', 's', 'hr', 'br',
]);

function element(tok: Token): HTMLElement {
  if (tok.tag === 'a') {
    // Shown as text with its target in a tooltip: nothing navigates the app away.
    const span = document.createElement('span');
    span.className = 'md-link';
    span.title = tok.attrGet('href') ?? '';
    return span;
  }
  const el = document.createElement(TAGS.has(tok.tag) ? tok.tag : 'span');
  const style = tok.attrGet('style'); // tables: text-align:left|right|center only
  const align = style && /^text-align:(left|right|center)$/.exec(style);
  if (align) el.style.textAlign = align[1];
  const start = tok.attrGet('start');
  if (el instanceof HTMLOListElement && start && /^\d+$/.test(start)) el.start = Number(start);
  return el;
}

function renderTokens(tokens: Token[], root: Node): void {
  const stack: Node[] = [root];
  const top = () => stack[stack.length - 1];
  for (const tok of tokens) {
    if (tok.nesting === 1) {
      const el = element(tok);
      top().appendChild(el);
      stack.push(el);
      continue;
    }
    if (tok.nesting === -1) {
      if (stack.length > 1) stack.pop();
      continue;
    }
    switch (tok.type) {
      case 'inline':
        renderTokens(tok.children ?? [], top());
        break;
      case 'fence':
      case 'code_block': {
        const pre = document.createElement('pre');
        const code = document.createElement('code');
        const lang = tok.info.trim().split(/\s+/)[0];
        if (lang) code.dataset.lang = lang;
        code.textContent = tok.content;
        pre.appendChild(code);
        top().appendChild(pre);
        break;
      }
      case 'code_inline': {
        const code = document.createElement('code');
        code.textContent = tok.content;
        top().appendChild(code);
        break;
      }
      case 'hr':
        top().appendChild(document.createElement('hr'));
        break;
      case 'hardbreak':
        top().appendChild(document.createElement('br'));
        break;
      case 'softbreak':
        top().appendChild(document.createTextNode('\n'));
        break;
      case 'image':
        top().appendChild(document.createTextNode(`[image: ${tok.content}]`));
        break;
      default:
        // text, and (never produced with html off) html_inline / html_block: as text.
        top().appendChild(document.createTextNode(tok.content));
    }
  }
}

/** Replaces `target`'s children with the rendering of `source`. */
export function renderMarkdown(target: HTMLElement, source: string): void {
  const frag = document.createDocumentFragment();
  renderTokens(md.parse(source, {}), frag);
  target.replaceChildren(frag);
}

/** Svelte action: `<div use:markdown={text}>`. */
export function markdown(node: HTMLElement, source: string) {
  renderMarkdown(node, source);
  return { update: (s: string) => renderMarkdown(node, s) };
}
