// Syntax colours of the code viewer and the diffs: CodeMirror's default style in
// light mode, and one with the same roles made readable (WCAG AA, 4.5:1) on the
// dark background when the system is dark (chosen when the editor is made).
import { defaultHighlightStyle, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import type { Extension } from '@codemirror/state';
import { tags as t } from '@lezer/highlight';

const dark = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.operatorKeyword, t.definitionKeyword, t.moduleKeyword], color: '#c39bf2' },
  { tag: [t.string, t.special(t.string), t.regexp], color: '#e6a07c' },
  { tag: [t.number, t.bool, t.null, t.atom], color: '#8fc9ff' },
  { tag: [t.comment, t.lineComment, t.blockComment], color: '#9aa8b5', fontStyle: 'italic' },
  { tag: [t.definition(t.variableName), t.function(t.definition(t.variableName))], color: '#7fb4ff' },
  { tag: [t.className, t.definition(t.className), t.typeName], color: '#5fd4c4' },
  { tag: [t.propertyName, t.attributeName], color: '#a9d4ff' },
  { tag: [t.meta, t.annotation, t.processingInstruction], color: '#e3c567' },
  { tag: t.invalid, color: '#ff8a8a' },
]);

export function codeHighlighting(): Extension {
  const isDark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  return syntaxHighlighting(isDark ? dark : defaultHighlightStyle);
}
