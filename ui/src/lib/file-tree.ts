// Folds the flat per-file counts (`file_counts`) into a folder tree whose folders
// sum their files' counts, and flattens it for display (collapsed folders hide
// their children).

import type { FileCount } from './api';

export interface TreeNode {
  name: string;
  /** Full relative path (folders without a trailing slash). */
  path: string;
  dir: boolean;
  open: number;
  fixed: number;
  by_severity: Record<string, number>;
  children: TreeNode[];
}

function node(name: string, path: string, dir: boolean): TreeNode {
  return { name, path, dir, open: 0, fixed: 0, by_severity: {}, children: [] };
}

export function buildTree(files: FileCount[]): TreeNode {
  const root = node('', '', true);
  for (const f of files) {
    const parts = f.path.split('/');
    let at = root;
    const chain = [root];
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const path = parts.slice(0, i + 1).join('/');
      let child = at.children.find((c) => c.name === part && c.dir === !last);
      if (!child) {
        child = node(part, path, !last);
        at.children.push(child);
      }
      at = child;
      chain.push(child);
    });
    for (const n of chain) {
      n.open += f.open;
      n.fixed += f.fixed;
      for (const [s, c] of Object.entries(f.by_severity)) n.by_severity[s] = (n.by_severity[s] ?? 0) + c;
    }
  }
  const sort = (n: TreeNode) => {
    n.children.sort((a, b) => Number(b.dir) - Number(a.dir) || a.name.localeCompare(b.name));
    n.children.forEach(sort);
  };
  sort(root);
  return root;
}

export interface Row {
  node: TreeNode;
  depth: number;
}

export function visibleRows(root: TreeNode, collapsed: Set<string>): Row[] {
  const out: Row[] = [];
  const walk = (n: TreeNode, depth: number) => {
    for (const c of n.children) {
      out.push({ node: c, depth });
      if (c.dir && !collapsed.has(c.path)) walk(c, depth + 1);
    }
  };
  walk(root, 0);
  return out;
}
