// The findings list grouped as the report groups its issues
// (src/report/grouping.rs `cause_of`): one group per rule, severity and
// standing (open, accepted, suppressed, fixed, false positive, removed), in the
// order of each group's first finding in the list; a manual finding, a finding
// an auditor wrote a note on, and a cause with one finding stay rows of their own.
import type { Detection, FindingRow, Triage } from './api';

export type Entry =
  | { kind: 'row'; row: FindingRow; depth: 0 | 1; group?: string }
  | {
      kind: 'group';
      key: string;
      rows: FindingRow[];
      open: boolean;
      /** "Unbounded cache in 12 places" (the report's issue title). */
      title: string;
      files: string[];
      /** Shared by every finding, or `mixed`. */
      detection: Detection | 'mixed';
      triage: Triage | 'mixed';
    };

export type Standing = 'open' | 'accepted' | 'suppressed' | 'fixed' | 'false_positive' | 'removed';

/** As `store::Standing::of`. */
export function standing(d: Detection, t: Triage): Standing {
  if (d === 'fixed') return 'fixed';
  if (d === 'removed') return 'removed';
  if (t === 'false_positive') return 'false_positive';
  if (t === 'suppressed') return 'suppressed';
  if (t === 'accepted_risk' || t === 'wont_fix') return 'accepted';
  return 'open';
}

/** As the report's `cause_of`; `null`: a finding of its own. */
export function causeOf(f: FindingRow): string | null {
  if (f.rule === 'MANUAL' || f.note !== null) return null;
  return `${f.rule}|${f.severity ?? ''}|${standing(f.detection, f.triage)}`;
}

const ACRONYMS: Record<string, string> = { lru: 'LRU', url: 'URL', http: 'HTTP', sql: 'SQL', io: 'I/O' };

/** As the report's `humanise`: `unbounded-lru-cache` -> "Unbounded LRU cache". */
export function humanise(name: string): string {
  return name
    .split('-')
    .map((w, i) => ACRONYMS[w] ?? (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w))
    .join(' ');
}

function shared<T>(values: T[]): T | 'mixed' {
  return values.every((v) => v === values[0]) ? values[0] : 'mixed';
}

/** The table's entries: groups (with their findings when `expanded` holds the key) and single findings. */
export function groupFindings(rows: FindingRow[], expanded: Set<string>): Entry[] {
  const order: (string | FindingRow)[] = [];
  const groups = new Map<string, FindingRow[]>();
  for (const r of rows) {
    const key = causeOf(r);
    if (key === null) {
      order.push(r);
      continue;
    }
    const g = groups.get(key);
    if (g) g.push(r);
    else {
      groups.set(key, [r]);
      order.push(key);
    }
  }
  const out: Entry[] = [];
  for (const o of order) {
    if (typeof o !== 'string') {
      out.push({ kind: 'row', row: o, depth: 0 });
      continue;
    }
    const members = groups.get(o)!;
    if (members.length === 1) {
      out.push({ kind: 'row', row: members[0], depth: 0 });
      continue;
    }
    const open = expanded.has(o);
    out.push({
      kind: 'group',
      key: o,
      rows: members,
      open,
      title: `${humanise(members[0].name)} in ${members.length} places`,
      files: [...new Set(members.map((m) => m.path))],
      detection: shared(members.map((m) => m.detection)),
      triage: shared(members.map((m) => m.triage)),
    });
    if (open) for (const m of members) out.push({ kind: 'row', row: m, depth: 1, group: o });
  }
  return out;
}
