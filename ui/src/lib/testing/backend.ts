// An in-memory stand-in for the Tauri backend (docs/desktop-api.md), used by the
// UI tests and for screenshots. It answers every command with the same shapes as
// the real one (snake_case store rows, camelCase shell types) over data generated
// from the real CLI (demo-data.json, `node scripts/make-demo-fixture.mjs`) and the
// real demo project's source files.
//
// Tests drive it through `window.__double` (see install.ts): they read the call
// log, emit watcher batches, and seed thousands of findings.

import type {
  ApiError,
  Confidence,
  Detection,
  FileMarker,
  FindingDetail,
  FindingFilter,
  FindingList,
  FindingRow,
  FindingsChanged,
  HistoryEvent,
  Location,
  ManualFindingInput,
  ProjectInfo,
  RelatedLocation,
  RuleInfo,
  ScanFinished,
  ScanWarning,
  StartupProblem,
  Severity,
  Settings,
  Triage,
} from '../api';
import demo from './demo-data.json';
import * as aggregates from './aggregates';

export interface DemoFinding {
  rule: string;
  name: string;
  severity: string | null;
  path: string;
  line: number;
  end_line: number;
  scope: string;
  message: string;
  fingerprint: string;
  fix_before: string | null;
  fix_after: string | null;
  related: RelatedLocation[];
  confidence?: string | null;
  evidence?: RelatedLocation[];
}

export interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

type Emit = (event: string, payload: unknown) => void;

const RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const DAY = 86_400;

function fail(kind: string, message: string): never {
  const e: ApiError = { kind, message };
  throw e;
}

function count(rows: FindingRow[], key: (r: FindingRow) => string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) {
    const k = key(r) ?? 'none';
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

export class DoubleBackend {
  findings: FindingRow[] = [];
  events = new Map<number, HistoryEvent[]>();
  locations = new Map<number, Location[]>();
  related = new Map<number, RelatedLocation[]>();
  files = new Map<string, string>();
  rules: RuleInfo[];
  project: ProjectInfo | null = null;
  recent: string[] = ['/home/dev/src/demo-backend', '/home/dev/src/payments-api'];
  settings: Settings = {
    editorCommand: 'code -g {path}:{line}',
    dbPath: '.auditbench/audit.db',
    dbInAppData: false,
    auditor: '',
    watcherEnabled: true,
    excludes: ['tests/'],
    slaDays: { critical: 7, high: 30, medium: 90, low: 120 },
  };
  calls: Call[] = [];
  /** Milliseconds between two `scan-progress` events of the first scan. */
  scanStepMs = 40;
  /** The next project opened holds no Python file (its scan reads 0 files, finds nothing). */
  noPython = false;
  /** As the desktop backend: the watcher is ready this long after `scan-finished`
   * (`ProjectInfo.watching` turns true then). */
  watcherReadyMs = 0;
  /** Emit `watcher-state` events (the backend change the UI asks for); off: as today's backend. */
  watcherEvents = false;
  /** The folder `pick_folder` returns (null: the user cancelled). */
  pickResult: string | null = '/home/dev/src/demo-backend';
  now = 1_763_900_000;
  private nextId = 1;
  /** Part 2: errors the next calls of a command fail with (tests: db locked, folder removed). */
  failures = new Map<string, ApiError>();
  /** Part 2: the project's configuration file as `set_rule` wrote it. */
  config = '';
  /** Part 2: where `export_report` "saved" (the backend's save dialog; null: cancelled). */
  exportPath: string | null = '/home/dev/reports/demo-backend-audit.md';
  exports: { path: string; text: string }[] = [];
  /** Re-scans run for configuration changes (`set_rule`): one per change. */
  rescans = 0;
  /** The scan's warnings (files it could not read...), as `scan_warnings` lists them. */
  warnings: ScanWarning[] = [];
  /** The project given on the command line that could not be opened. */
  startupProblem: StartupProblem | null = null;
  /** Roots whose database cannot be created in the project (read-only checkouts). */
  readOnly = new Set<string>();
  /** Roots whose database lives in the app's data folder. */
  appDb = new Set<string>();

  /** Emits a backend event (tests: `project-error`, extra progress). */
  emit: Emit;

  constructor(emit: Emit, sources: Record<string, string>) {
    this.emit = emit;
    for (const [path, text] of Object.entries(sources)) this.files.set(path, text);
    this.rules = demo.rules.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.severity === 'strength' ? 'strength' : 'finding',
      defaultSeverity: r.severity,
      severity: r.severity,
      enabled: true,
      summary: r.summary,
      doc: r.doc,
      open: 0,
    }));
    this.rules.push({
      id: 'MANUAL',
      name: 'manual-finding',
      kind: 'finding',
      defaultSeverity: 'medium',
      severity: 'medium',
      enabled: true,
      summary: 'a finding recorded by a person',
      doc: '# MANUAL manual-finding\n\nRecorded by hand in the workbench or with `auditbench add`.',
      open: 0,
    });
    demo.findings.forEach((f, i) => this.insert(f as DemoFinding, this.now - (30 - i) * DAY));
  }

  /** Set-up before the app starts (tests: `openApp(..., { init })`): the
   * start-up problem, read-only roots, the scan's warnings. */
  configure(init: { startupProblem?: StartupProblem; readOnly?: string[]; warnings?: ScanWarning[] }): void {
    if (init.startupProblem) this.startupProblem = init.startupProblem;
    for (const r of init.readOnly ?? []) this.readOnly.add(r);
    if (init.warnings) this.warnings = init.warnings;
  }

  /** Adds a detected finding with its history (first detection). */
  insert(f: DemoFinding, at: number, detection: Detection = 'open'): FindingRow {
    const row: FindingRow = {
      id: this.nextId++,
      fingerprint: f.fingerprint,
      rule: f.rule,
      name: f.name,
      severity: (f.severity as Severity | null) ?? null,
      path: f.path,
      line: f.line,
      end_line: f.end_line,
      scope: f.scope,
      message: f.message,
      detection,
      triage: 'needs_review',
      note: null,
      triage_by: null,
      triage_at: null,
      suppression: null,
      title: null,
      description: null,
      fix_before: f.fix_before,
      fix_after: f.fix_after,
      after_code: null,
      after_line: null,
      first_seen_at: at,
      last_seen_at: at,
      fixed_at: null,
      confidence: (f.confidence as Confidence | null | undefined) ?? null,
      evidence: f.evidence ?? [],
    };
    this.findings.push(row);
    this.events.set(row.id, [
      { at, actor: 'scan', kind: 'detected', from: null, to: 'open', note: null, scan_id: 1 },
    ]);
    this.locations.set(row.id, [{ path: f.path, line: f.line, end_line: f.end_line, at, scan_id: 1 }]);
    this.related.set(row.id, f.related ?? []);
    return row;
  }

  /** Adds `n` generated findings (copies of the demo ones on other lines/files). */
  seed(n: number): number {
    const base = demo.findings as DemoFinding[];
    for (let i = 0; i < n; i++) {
      const f = base[i % base.length];
      this.insert(
        {
          ...f,
          path: `gen/module_${String(Math.floor(i / 10)).padStart(4, '0')}.py`,
          line: 1 + (i % 10) * 7,
          end_line: 1 + (i % 10) * 7,
          fingerprint: `gen${i}`,
          related: [],
        },
        this.now - (i % 60) * DAY,
      );
    }
    return this.findings.length;
  }

  private row(id: number): FindingRow {
    return this.findings.find((f) => f.id === id) ?? fail('not_found', `no finding with id ${id}`);
  }

  private rule(id: string): RuleInfo {
    return this.rules.find((r) => r.id === id) ?? fail('not_found', `no rule ${id}`);
  }

  private needProject(): ProjectInfo {
    return this.project ?? fail('no_project', 'no project is open');
  }

  private inside(path: string): string {
    if (path.startsWith('/') || path.split('/').includes('..') || path.includes('\\'))
      fail('outside_root', `${path} is outside the project root`);
    return path;
  }

  list(filter: FindingFilter): FindingList {
    const text = filter.text?.trim().toLowerCase();
    const all = this.findings.filter(
      (f) =>
        (!filter.detection?.length || filter.detection.includes(f.detection)) &&
        (!filter.triage?.length || filter.triage.includes(f.triage)) &&
        (!filter.severity?.length || (f.severity !== null && filter.severity.includes(f.severity))) &&
        (!filter.rules?.length || filter.rules.some((r) => f.rule === r || f.rule.startsWith(r))) &&
        (!filter.confidence?.length || f.confidence === null || filter.confidence.includes(f.confidence)) &&
        (!filter.path || pathMatches(f.path, filter.path)) &&
        (!text ||
          [f.rule, f.name, f.path, f.message, f.title ?? '', f.scope, f.note ?? '']
            .join('\n')
            .toLowerCase()
            .includes(text)),
    );
    const byPath = (a: FindingRow, b: FindingRow) => a.path.localeCompare(b.path) || a.line - b.line;
    const cmp: Record<string, (a: FindingRow, b: FindingRow) => number> = {
      severity: (a, b) => (RANK[a.severity ?? ''] ?? 5) - (RANK[b.severity ?? ''] ?? 5) || byPath(a, b),
      path: byPath,
      rule: (a, b) => a.rule.localeCompare(b.rule) || byPath(a, b),
      newest: (a, b) => b.first_seen_at - a.first_seen_at || b.id - a.id,
    };
    all.sort(cmp[filter.sort ?? 'severity']);
    const offset = filter.offset ?? 0;
    const items = all.slice(offset, filter.limit === undefined ? undefined : offset + filter.limit);
    return {
      items: structuredClone(items),
      total: all.length,
      by_severity: count(all, (r) => r.severity),
      by_detection: count(all, (r) => r.detection),
      by_triage: count(all, (r) => r.triage),
      by_rule: count(all, (r) => r.rule),
      by_confidence: count(all, (r) => r.confidence),
    };
  }

  detail(id: number): FindingDetail {
    const finding = this.row(id);
    const rule = { ...this.rule(finding.rule) };
    rule.open = this.findings.filter((f) => f.rule === rule.id && isActive(f.detection)).length;
    return structuredClone({
      finding,
      locations: this.locations.get(id) ?? [],
      events: this.events.get(id) ?? [],
      rule,
      related: this.related.get(id) ?? [],
    });
  }

  readFile(path: string) {
    this.needProject();
    const text = this.files.get(this.inside(path)) ?? fail('not_found', `${path} does not exist`);
    const findings: FileMarker[] = this.findings
      .filter((f) => f.path === path && f.detection !== 'removed')
      .map((f) => ({
        id: f.id,
        line: f.line,
        end_line: f.end_line,
        severity: f.severity,
        rule: f.rule,
        detection: f.detection,
      }));
    return { path, text, findings };
  }

  triage(ids: number[], status: Triage, note?: string): FindingRow[] {
    if (status === 'suppressed') fail('invalid', 'suppressed comes from source comments');
    // As the store (src/store/triage.rs): accepted risk needs a justification.
    note = note?.trim() || undefined;
    if (status === 'accepted_risk' && !note)
      fail('invalid', 'accepted_risk needs a justification (--note "why the risk is acceptable")');
    const rows = ids.map((id) => this.row(id));
    for (const r of rows) {
      this.events.get(r.id)!.push({
        at: this.now,
        actor: this.actor(),
        kind: 'triage_changed',
        from: r.triage,
        to: status,
        note: note ?? null,
        scan_id: null,
      });
      r.triage = status;
      r.triage_by = this.actor();
      r.triage_at = this.now;
      if (note) r.note = note;
    }
    return structuredClone(rows);
  }

  /** As the desktop backend: the auditor of the settings, else the account. */
  actor(): string {
    return this.settings.auditor.trim() || 'dev';
  }

  addManual(m: ManualFindingInput): number {
    this.needProject();
    this.inside(m.path);
    if (!m.title.trim()) fail('invalid', 'a manual finding needs a title');
    const row = this.insert(
      {
        rule: 'MANUAL',
        name: 'manual-finding',
        severity: m.severity,
        path: m.path,
        line: m.line,
        end_line: m.endLine ?? m.line,
        scope: '',
        message: m.title,
        fingerprint: `manual${this.nextId}`,
        fix_before: null,
        fix_after: m.fix ?? null,
        related: [],
      },
      this.now,
    );
    row.title = m.title;
    row.description = m.description;
    this.events.get(row.id)![0] = {
      at: this.now,
      actor: this.actor(),
      kind: 'detected',
      from: null,
      to: 'open',
      note: 'recorded by hand',
      scan_id: null,
    };
    return row.id;
  }

  open(path: string, dbInAppData?: boolean): ProjectInfo {
    const name = path.split('/').filter(Boolean).pop() ?? path;
    const inApp = dbInAppData ?? this.appDb.has(path);
    if (!inApp && this.readOnly.has(path))
      fail(
        'db_unwritable',
        `cannot create the project database ${path}/.auditbench/audit.db: Read-only file system (os error 30). Is the folder read-only? The database can live in the app's data folder instead.`,
      );
    if (inApp) this.appDb.add(path);
    else this.appDb.delete(path);
    this.settings.dbInAppData = inApp;
    this.startupProblem = null;
    if (this.noPython) this.findings = [];
    const total = this.noPython ? 0 : new Set(this.findings.map((f) => f.path)).size + 3;
    this.project = {
      root: path,
      name,
      dbPath: inApp ? `/home/dev/.local/share/auditbench/projects/${name}-0123456789abcdef/audit.db` : `${path}/.auditbench/audit.db`,
      scanning: true,
      progress: { done: 0, total },
      watching: false,
      lastScan: null,
      error: null,
      unread: 0,
      warnings: 0,
    };
    this.recent = [path, ...this.recent.filter((p) => p !== path)];
    // The first scan runs in the background: progress events, then scan-finished.
    let done = 0;
    const step = () => {
      const p = this.project;
      if (!p || p.root !== path) return;
      done = Math.min(total, done + 4);
      p.progress = { done, total };
      this.emit('scan-progress', { done, total });
      if (done < total) {
        setTimeout(step, this.scanStepMs);
        return;
      }
      const headline = `${this.findings.length} findings in ${total} files`;
      p.scanning = false;
      p.progress = null;
      p.lastScan = { at: this.now, files: total, headline };
      p.unread = this.warnings.filter((w) => w.unread).length;
      p.warnings = this.warnings.length;
      const fin: ScanFinished = { headline, new: this.findings.length, fixed: 0, regressed: 0, files: total };
      const ready = () => {
        if (this.project !== p || !this.settings.watcherEnabled) return;
        p.watching = true;
        if (this.watcherEvents) this.emit('watcher-state', { watching: true });
      };
      if (this.watcherReadyMs) {
        this.emit('scan-finished', fin);
        setTimeout(ready, this.watcherReadyMs);
      } else {
        ready();
        this.emit('scan-finished', fin);
      }
    };
    setTimeout(step, this.scanStepMs);
    return structuredClone(this.project);
  }

  /** The finding moved to another line (a `moved` event and a new location), as a scan records it. */
  move(id: number, line: number): void {
    const r = this.row(id);
    this.now += 60;
    const span = r.end_line - r.line;
    this.events.get(id)!.push({
      at: this.now,
      actor: 'watcher',
      kind: 'moved',
      from: `${r.path}:${r.line}`,
      to: `${r.path}:${line}`,
      note: 'matched by fingerprint',
      scan_id: 3,
    });
    r.line = line;
    r.end_line = line + span;
    this.locations.get(id)!.push({ path: r.path, line, end_line: r.end_line, at: this.now, scan_id: 3 });
  }

  /**
   * A watcher batch: the given findings are fixed (with the real after-code),
   * `added` are detected, and one `findings-changed` event says so.
   */
  watcherBatch(fixedIds: number[], added: DemoFinding[] = [], edits: Record<string, string> = {}) {
    this.now += 60;
    for (const [path, text] of Object.entries(edits)) this.files.set(path, text);
    const paths = new Set<string>(Object.keys(edits));
    for (const id of fixedIds) {
      const r = this.row(id);
      const lines = (this.files.get(r.path) ?? '').split('\n');
      r.detection = 'fixed';
      r.fixed_at = this.now;
      r.after_line = r.line;
      r.after_code = lines.slice(Math.max(0, r.line - 1), r.end_line + 2).join('\n');
      this.events.get(id)!.push({
        at: this.now,
        actor: 'watcher',
        kind: 'fixed',
        from: 'open',
        to: 'fixed',
        note: null,
        scan_id: 2,
      });
      paths.add(r.path);
    }
    for (const f of added) paths.add(this.insert(f, this.now).path);
    const names = [...paths].map((p) => p.split('/').pop());
    const parts = [];
    if (fixedIds.length) parts.push(`${fixedIds.length} fixed`);
    if (added.length) parts.push(`${added.length} new`);
    const payload: FindingsChanged = {
      headline: `${parts.join(', ') || 'no change'} in ${names.join(', ')}`,
      paths: [...paths],
      new: added.length,
      fixed: fixedIds.length,
      regressed: 0,
    };
    this.emit('findings-changed', payload);
    return payload;
  }

  /**
   * Part 2: several weeks of scan history (a baseline scan `weeks` weeks ago, new
   * findings and fixes every week), so the dashboard has a trend to show.
   */
  addHistory(weeks = 8): void {
    const base = demo.findings as DemoFinding[];
    const start = this.now - weeks * 7 * DAY;
    // The baseline scan found a third of today's open findings.
    this.findings.forEach((f, i) => {
      if (i % 3 === 0) f.first_seen_at = f.last_seen_at = start;
    });
    for (let i = 0; i < weeks * 6; i++) {
      const f = base[(i * 7) % base.length];
      const seen = i < 14 ? start : start + ((i * 5) % (weeks * 7)) * DAY + 3600;
      const row = this.insert(
        { ...f, line: f.line + 200 + i, end_line: f.end_line + 200 + i, fingerprint: `hist${i}`, related: [] },
        seen,
      );
      row.detection = 'fixed';
      row.fixed_at = Math.min(this.now - DAY, seen + (3 + ((i * 11) % 30)) * DAY);
      this.events.get(row.id)!.push({ at: row.fixed_at, actor: 'scan', kind: 'fixed', from: 'open', to: 'fixed', note: null, scan_id: 2 });
    }
  }

  private sourceLines(): number {
    let n = 0;
    for (const t of this.files.values()) n += t.split('\n').length;
    return n;
  }

  private reportInput(): aggregates.ReportInput {
    return { project: this.needProject().name, findings: this.findings, rules: this.rules, files: this.files, now: this.now };
  }

  /** `set_rule`: writes the configuration and re-scans once, as the desktop
   * backend: the re-scan is recorded (one `findings-changed` saying what it hid
   * and showed, by rule) before the command answers. */
  setRule(id: string, enabled?: boolean, severity?: string): unknown {
    this.needProject();
    const rule = this.rule(id);
    if (severity !== undefined && !(severity in RANK)) fail('invalid', `unknown severity ${severity}`);
    if (enabled !== undefined) rule.enabled = enabled;
    if (severity !== undefined) rule.severity = severity;
    this.config = aggregates.configToml(this.rules);
    let hidden = 0;
    let shown = 0;
    for (const f of this.findings.filter((f) => f.rule === id)) {
      f.severity = rule.severity as Severity;
      if (!rule.enabled && aggregates.isActive(f)) {
        f.detection = 'removed';
        hidden++;
      } else if (rule.enabled && f.detection === 'removed') {
        f.detection = 'open';
        shown++;
      }
    }
    const what = [enabled === undefined ? '' : enabled ? 'enabled' : 'disabled', severity === undefined ? '' : `severity ${severity}`]
      .filter(Boolean)
      .join(', ');
    const of = (n: number) => `${n} finding${n === 1 ? '' : 's'} of ${id}`;
    const parts = [hidden ? `${of(hidden)} hidden` : '', shown ? `${of(shown)} shown` : ''].filter(Boolean);
    this.rescans++;
    this.emit('findings-changed', {
      headline: `${id} ${what}: ${parts.join(', ') || 'no finding hidden or shown'}`,
      paths: [],
      new: shown,
      fixed: 0,
      regressed: 0,
    } satisfies FindingsChanged);
    return this.handle('list_rules', {});
  }

  handle(cmd: string, raw: Record<string, unknown>): unknown {
    // Tauri sends arguments as JSON: the same round trip here (it also turns
    // Svelte state proxies into plain data, as the real IPC does).
    const args = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
    this.calls.push({ cmd, args });
    const failure = this.failures.get(cmd);
    if (failure) throw structuredClone(failure);
    const a = args as Record<string, never>;
    switch (cmd) {
      case 'open_project':
        return this.open(a.path, a.dbInAppData);
      case 'startup_problem':
        return this.startupProblem ? structuredClone(this.startupProblem) : null;
      case 'scan_warnings':
        this.needProject();
        return [...this.warnings].sort((x, y) => Number(y.unread) - Number(x.unread) || (x.path ?? '').localeCompare(y.path ?? ''));
      case 'close_project':
        this.project = null;
        return null;
      case 'project_info':
        return this.project ? structuredClone(this.project) : null;
      case 'recent_projects':
        return [...this.recent];
      case 'pick_folder':
        return this.pickResult;
      case 'list_findings':
        this.needProject();
        return this.list(a.filter ?? {});
      case 'finding_detail':
        return this.detail(a.id);
      case 'read_file':
        return this.readFile(a.path);
      case 'triage':
        return this.triage(a.ids, a.status, a.note);
      case 'add_note': {
        const r = this.row(a.id);
        r.note = a.note;
        this.events.get(r.id)!.push({
          at: this.now,
          actor: this.actor(),
          kind: 'note_added',
          from: null,
          to: null,
          note: a.note,
          scan_id: null,
        });
        return null;
      }
      case 'add_manual':
        return this.addManual(a.finding);
      case 'open_in_editor':
        this.inside(a.path);
        return null;
      case 'list_rules':
        return this.rules.map((r) => ({
          ...r,
          open: this.findings.filter((f) => f.rule === r.id && isActive(f.detection)).length,
        }));
      case 'get_settings':
        return structuredClone(this.settings);
      case 'set_settings': {
        const next = structuredClone(a.settings) as Settings;
        next.auditor = next.auditor.trim();
        const moved = this.project && next.dbInAppData !== this.settings.dbInAppData;
        this.settings = next;
        if (moved && this.project) {
          if (next.dbInAppData) this.appDb.add(this.project.root);
          else this.appDb.delete(this.project.root);
          this.project.dbPath = next.dbInAppData
            ? `/home/dev/.local/share/auditbench/projects/${this.project.name}-0123456789abcdef/audit.db`
            : `${this.project.root}/.auditbench/audit.db`;
        }
        return structuredClone(this.settings);
      }
      case 'dashboard':
        this.needProject();
        return aggregates.dashboard(this.findings, this.rules, this.settings, this.sourceLines(), this.now, a.weeks ?? 12);
      case 'file_counts':
        this.needProject();
        return aggregates.fileCounts(this.findings);
      case 'set_rule':
        return this.setRule(a.id, a.enabled, a.severity);
      case 'render_report':
        return aggregates.renderReport(this.reportInput(), a.options, a.format);
      case 'export_report': {
        const text = aggregates.renderReport(this.reportInput(), a.options, a.format);
        if (this.exportPath) this.exports.push({ path: this.exportPath, text });
        return this.exportPath;
      }
      default:
        return fail('invalid', `the test double does not implement ${cmd}`);
    }
  }
}

/** As `Store::findings` (src/store/queries.rs): any part of the path, case-insensitive
 * (`\\` read as `/`, a leading `./` dropped); `%` and `_` are plain characters. */
export function pathMatches(path: string, filter: string): boolean {
  const p = filter.replace(/\\/g, '/').replace(/^(\.\/)+/, '').toLowerCase();
  return path.toLowerCase().includes(p);
}

function isActive(d: Detection): boolean {
  return d === 'open' || d === 'regressed';
}
