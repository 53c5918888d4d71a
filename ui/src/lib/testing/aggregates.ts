// The test double's project-wide commands (dashboard, file_counts, set_rule,
// render_report, export_report): pure functions over the double's findings, with
// the same shapes and the same arithmetic as the library (src/store/queries.rs
// `weekly` / `file_counts`, src/report/health.rs). The report is a shortened
// rendering with the real report's structure (docs/example-report.md): the real
// text comes from `auditbench report` in the Tauri backend; the UI only displays it.

import type {
  Dashboard,
  FileCount,
  FindingRow,
  ReportFormat,
  ReportOptions,
  RuleInfo,
  Settings,
  WeekRow,
} from '../api';

export const DAY = 86_400;
const WEEK = 7 * DAY;
const RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const WEIGHT: Record<string, number> = { critical: 10, high: 5, medium: 2, low: 1 };
const ICON: Record<string, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🟢', info: '⚪' };

export const isActive = (f: FindingRow) => f.detection === 'open' || f.detection === 'regressed';
const counts = (f: FindingRow) => f.triage !== 'false_positive' && f.triage !== 'suppressed';

/** Monday 00:00 UTC of the week holding `t`. */
export function weekStart(t: number): number {
  const day = Math.floor(t / DAY);
  const dow = (day + 3) % 7; // 1970-01-01 was a Thursday; Monday = 0
  return (day - dow) * DAY;
}

export const date = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

/** `2026-W07` for the ISO week holding `t`. */
export function isoWeek(t: number): string {
  const thursday = weekStart(t) + 3 * DAY;
  const year = new Date(thursday * 1000).getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1) / 1000;
  const n = Math.floor((thursday - jan1) / WEEK) + 1;
  return `${year}-W${String(n).padStart(2, '0')}`;
}

/** Open at `t`: detected before and not fixed by then (removed findings never count). */
function openAt(f: FindingRow, t: number): boolean {
  return f.first_seen_at < t && (f.fixed_at === null || f.fixed_at >= t) && f.detection !== 'removed';
}

export function weekly(findings: FindingRow[], weeks: number, now: number): WeekRow[] {
  const first = weekStart(now) - (Math.max(1, weeks) - 1) * WEEK;
  const out: WeekRow[] = [];
  for (let w = 0; w < Math.max(1, weeks); w++) {
    const start = first + w * WEEK;
    const end = start + WEEK;
    const open_by_severity: Record<string, number> = {};
    let open = 0;
    for (const f of findings) {
      if (!openAt(f, end) || !counts(f)) continue;
      open++;
      const s = f.severity ?? 'none';
      open_by_severity[s] = (open_by_severity[s] ?? 0) + 1;
    }
    out.push({
      week: isoWeek(start),
      starts: date(start),
      new: findings.filter((f) => f.first_seen_at >= start && f.first_seen_at < end).length,
      fixed: findings.filter((f) => f.fixed_at !== null && f.fixed_at >= start && f.fixed_at < end).length,
      regressed: findings.filter((f) => f.detection === 'regressed' && f.last_seen_at >= start && f.last_seen_at < end)
        .length,
      open_by_severity,
      open,
    });
  }
  return out;
}

/** `10 * 30 / (30 + density)`, density = weighted open findings per 1000 lines (>= 1000). */
export function health(open: FindingRow[], lines: number): number {
  const weighted = open.reduce((s, f) => s + (WEIGHT[f.severity ?? ''] ?? 0), 0);
  const density = (weighted * 1000) / Math.max(1000, lines);
  return Math.round((300 / (30 + density)) * 10) / 10;
}

export function dashboard(findings: FindingRow[], rules: RuleInfo[], settings: Settings, lines: number, now: number, weeks = 12): Dashboard {
  const open = findings.filter((f) => isActive(f) && counts(f));
  const firstScan = Math.min(...findings.map((f) => f.first_seen_at));
  const baseline = findings.filter((f) => f.first_seen_at < firstScan + DAY && counts(f));
  const openBySeverity: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of open) openBySeverity[f.severity ?? 'none'] = (openBySeverity[f.severity ?? 'none'] ?? 0) + 1;
  const sla = settings.slaDays as Record<string, number>;
  const age = (['critical', 'high', 'medium', 'low'] as const).map((severity) => {
    const ages = open.filter((f) => f.severity === severity).map((f) => Math.floor((now - f.first_seen_at) / DAY));
    return {
      severity,
      open: ages.length,
      overdue: ages.filter((a) => a > sla[severity]).length,
      targetDays: sla[severity],
      oldestDays: ages.length ? Math.max(...ages) : 0,
    };
  });
  const tally = (key: (f: FindingRow) => string) => {
    const m = new Map<string, number>();
    for (const f of open) m.set(key(f), (m.get(key(f)) ?? 0) + 1);
    return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10);
  };
  return {
    health: { now: health(open, lines), baseline: health(baseline, lines) },
    openBySeverity,
    weekly: weekly(findings, weeks, now),
    age,
    topFiles: tally((f) => f.path).map(([path, n]) => ({ path, open: n })),
    topRules: tally((f) => f.rule).map(([rule, n]) => ({
      rule,
      name: rules.find((r) => r.id === rule)?.name ?? rule,
      open: n,
    })),
  };
}

export function fileCounts(findings: FindingRow[]): FileCount[] {
  const map = new Map<string, FileCount>();
  for (const f of findings) {
    const e = map.get(f.path) ?? { path: f.path, open: 0, by_severity: {}, fixed: 0 };
    map.set(f.path, e);
    if (isActive(f)) {
      e.open++;
      const s = f.severity ?? 'none';
      e.by_severity[s] = (e.by_severity[s] ?? 0) + 1;
    } else if (f.detection === 'fixed') e.fixed++;
  }
  return [...map.values()].sort((a, b) => b.open - a.open || a.path.localeCompare(b.path));
}

/** The project's configuration file as `set_rule` leaves it (`.auditbench.toml`). */
export function configToml(rules: RuleInfo[]): string {
  const ignore = rules.filter((r) => !r.enabled).map((r) => `"${r.id}"`);
  const sev = rules.filter((r) => r.severity !== r.defaultSeverity).map((r) => `${r.id} = "${r.severity}"`);
  return `ignore = [${ignore.join(', ')}]\nseverity = { ${sev.join(', ')} }\n`;
}

export interface ReportInput {
  project: string;
  findings: FindingRow[];
  rules: RuleInfo[];
  files: Map<string, string>;
  now: number;
}

function selected(inp: ReportInput, o: ReportOptions): FindingRow[] {
  const min = RANK[o.minSeverity] ?? 4;
  return inp.findings
    .filter((f) => f.detection !== 'removed')
    .filter((f) => (RANK[f.severity ?? 'info'] ?? 4) <= min)
    .filter((f) => !o.statuses.length || o.statuses.includes(f.triage))
    .sort((a, b) => (RANK[a.severity ?? ''] ?? 5) - (RANK[b.severity ?? ''] ?? 5) || a.path.localeCompare(b.path) || a.line - b.line);
}

export function renderReport(inp: ReportInput, o: ReportOptions, format: ReportFormat): string {
  const rows = selected(inp, o);
  const title = o.title || `${inp.project}: Memory Leaks & Concurrency Audit`;
  const day = o.date || date(inp.now);
  if (format === 'json')
    return JSON.stringify({ title, date: day, client: o.client ?? null, auditor: o.auditor || 'auditbench', findings: rows }, null, 2);
  if (format === 'sarif')
    return JSON.stringify(
      {
        version: '2.1.0',
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        runs: [
          {
            tool: { driver: { name: 'auditbench', rules: inp.rules.map((r) => ({ id: r.id, name: r.name })) } },
            results: rows.map((f) => ({
              ruleId: f.rule,
              level: f.severity === 'critical' || f.severity === 'high' ? 'error' : 'warning',
              message: { text: f.message },
              baselineState: f.detection === 'open' ? 'unchanged' : f.detection === 'fixed' ? 'absent' : 'new',
              locations: [{ physicalLocation: { artifactLocation: { uri: f.path }, region: { startLine: f.line, endLine: f.end_line } } }],
            })),
          },
        ],
      },
      null,
      2,
    );
  const out: string[] = [`# ${title}`, '', `**Date**: ${day}  `, `**Auditor**: ${o.auditor || 'auditbench'}  `];
  if (o.client) out.push(`**Client**: ${o.client}  `);
  const open = rows.filter(isActive);
  out.push(`**Scope**: \`${inp.project}\`: ${inp.files.size} Python files  `, `**Status**: ${open.length} open, ${rows.length - open.length} fixed`, '', '---', '', '## Executive Summary', '');
  out.push('| Severity | Found | Fixed | Open |', '|----------|------:|------:|-----:|');
  for (const s of ['critical', 'high', 'medium', 'low']) {
    const r = rows.filter((f) => f.severity === s);
    out.push(`| ${ICON[s]} ${s.toUpperCase()} | ${r.length} | ${r.filter((f) => f.detection === 'fixed').length} | ${r.filter(isActive).length} |`);
  }
  if (o.includeStrengths) out.push(`| 🟢 EXCELLENT | ${inp.rules.filter((r) => r.kind === 'strength').length} | | |`);
  out.push('');
  const seq: Record<string, number> = {};
  for (const f of rows) {
    const sev = (f.severity ?? 'info').toUpperCase();
    seq[sev] = (seq[sev] ?? 0) + 1;
    const code = (inp.files.get(f.path) ?? '').split('\n').slice(f.line - 1, f.end_line).join('\n');
    out.push(
      `### ${sev}-${String(seq[sev]).padStart(3, '0')}: ${f.title ?? f.name} in \`${f.scope || f.path}\``,
      '',
      `**File**: \`${f.path}:${f.line}\`  `,
      `**Rule**: \`${f.rule}\` ${f.name}  `,
      `**Status**: ${f.detection === 'fixed' ? 'Fixed' : 'Open'}, first seen ${date(f.first_seen_at)}  `,
      `**Risk**: ${f.message}`,
      '',
    );
    if (o.includeCode && code) out.push('**Current code**:', '', '```python', code, '```', '');
    if (o.includeCode && f.fix_after) out.push('**Fix**:', '', '```python', f.fix_after, '```', '');
    out.push('---', '');
  }
  if (o.includeStrengths) {
    out.push('## Excellent Patterns', '');
    for (const r of inp.rules.filter((r) => r.kind === 'strength')) out.push(`- \`${r.id}\` ${r.name}: ${r.summary}`);
    out.push('');
  }
  return out.join('\n');
}
