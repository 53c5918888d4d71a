// The only module that talks to the backend (docs/desktop-api.md).
//
// Every command is one typed function over Tauri's `invoke`; every event one typed
// `on*` subscription over Tauri's `listen`. The UI tests install a test double with
// `@tauri-apps/api/mocks` (`mockIPC` + event emulation, src/lib/testing/), so they
// run this exact code; a test server could replace `transport` the same way.
//
// Field names follow the Rust serde types: `FindingRow`, `FindingList`,
// `FindingDetail`, `WeekRow`, `FileCount` (src/store/queries.rs) are snake_case;
// the desktop shell's own types (`ProjectInfo`, `Settings`, `RuleInfo`, ...) and
// command arguments are camelCase.

import { invoke as tauriInvoke } from '@tauri-apps/api/core';
import { listen as tauriListen } from '@tauri-apps/api/event';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type Detection = 'open' | 'fixed' | 'regressed' | 'removed';
export type Triage =
  | 'needs_review'
  | 'confirmed'
  | 'in_progress'
  | 'false_positive'
  | 'accepted_risk'
  | 'wont_fix'
  | 'suppressed';
export type SortKey = 'severity' | 'path' | 'rule' | 'newest';
/** How sure the scan is that a finding is real (issue 24's project model). */
export type Confidence = 'high' | 'medium' | 'low';

export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
export const CONFIDENCES: Confidence[] = ['high', 'medium', 'low'];
export const DETECTIONS: Detection[] = ['open', 'regressed', 'fixed', 'removed'];
/** Triage states a person can set (`suppressed` comes from source comments). */
export const SETTABLE_TRIAGE: Exclude<Triage, 'suppressed'>[] = [
  'needs_review',
  'confirmed',
  'in_progress',
  'false_positive',
  'accepted_risk',
  'wont_fix',
];
export const TRIAGES: Triage[] = [...SETTABLE_TRIAGE, 'suppressed'];

// ---- src/store/queries.rs (snake_case) ----

export interface FindingRow {
  id: number;
  fingerprint: string;
  rule: string;
  name: string;
  severity: Severity | null;
  path: string;
  line: number;
  end_line: number;
  scope: string;
  message: string;
  detection: Detection;
  triage: Triage;
  note: string | null;
  triage_by: string | null;
  triage_at: number | null;
  suppression: string | null;
  title: string | null;
  description: string | null;
  fix_before: string | null;
  fix_after: string | null;
  /** The real code at the place after the fix (fixed findings). */
  after_code: string | null;
  after_line: number | null;
  first_seen_at: number;
  last_seen_at: number;
  fixed_at: number | null;
  /** `null` for manual findings and those recorded before confidence existed. */
  confidence: Confidence | null;
  /** The project model's path to the place, entry point first (route -> calls -> the place). */
  evidence: RelatedLocation[];
}

export interface FindingList {
  items: FindingRow[];
  /** Matching findings before limit/offset. */
  total: number;
  by_severity: Record<string, number>;
  by_detection: Record<string, number>;
  by_triage: Record<string, number>;
  by_rule: Record<string, number>;
  /** `none`: findings without a confidence. */
  by_confidence: Record<string, number>;
}

export interface HistoryEvent {
  at: number;
  actor: string;
  kind: string;
  from: string | null;
  to: string | null;
  note: string | null;
  scan_id: number | null;
}

export interface Location {
  path: string;
  line: number;
  end_line: number;
  at: number;
  scan_id: number | null;
}

export interface RelatedLocation {
  path: string;
  line: number;
  message: string;
}

/** `FindingDetail` plus the shell's `rule` and `related`. */
export interface FindingDetail {
  finding: FindingRow;
  locations: Location[];
  events: HistoryEvent[];
  rule: RuleInfo;
  related: RelatedLocation[];
}

export interface FileCount {
  path: string;
  open: number;
  by_severity: Record<string, number>;
  fixed: number;
}

export interface WeekRow {
  week: string;
  starts: string;
  new: number;
  fixed: number;
  regressed: number;
  open_by_severity: Record<string, number>;
  open: number;
}

// ---- desktop shell types (camelCase) ----

export interface ScanInfo {
  at: number;
  files: number;
  headline: string;
}

export interface Progress {
  done: number;
  total: number;
}

export interface ProjectInfo {
  root: string;
  name: string;
  dbPath: string;
  scanning: boolean;
  progress: Progress | null;
  watching: boolean;
  lastScan: ScanInfo | null;
  error: string | null;
  /** Files and folders the last scan could not read or analyse. */
  unread: number;
  /** Every warning of the last scan (the unread ones included). */
  warnings: number;
}

/** `scan_warnings`: one problem of the last scan. */
export interface ScanWarning {
  /** Relative to the root; `null`: about the walk as a whole. */
  path: string | null;
  kind: string;
  message: string;
  /** Not read or not analysed: its findings are unknown. */
  unread: boolean;
}

/** `startup_problem`: the project given on the command line that could not be opened. */
export interface StartupProblem {
  path: string;
  kind: string;
  message: string;
}

export interface FindingFilter {
  detection?: Detection[];
  triage?: Triage[];
  severity?: Severity[];
  rules?: string[];
  /** A finding without a confidence (manual) passes any level. */
  confidence?: Confidence[];
  /** Any part of a path (`clients` finds `app/clients/x.py`). */
  path?: string;
  text?: string;
  sort?: SortKey;
  limit?: number;
  offset?: number;
}

export interface FileMarker {
  id: number;
  line: number;
  end_line: number;
  severity: Severity | null;
  rule: string;
  detection: Detection;
}

export interface FileText {
  path: string;
  text: string;
  findings: FileMarker[];
}

export interface ManualFindingInput {
  path: string;
  line: number;
  endLine?: number;
  severity: Severity;
  title: string;
  description: string;
  fix?: string;
}

export interface RuleInfo {
  id: string;
  name: string;
  kind: string;
  defaultSeverity: string;
  severity: string;
  enabled: boolean;
  summary: string;
  /** Markdown: What it does / Why is this bad? / Example / Use instead. */
  doc: string;
  open: number;
}

export interface Dashboard {
  health: { now: number; baseline: number };
  openBySeverity: Record<string, number>;
  weekly: WeekRow[];
  age: { severity: string; open: number; overdue: number; targetDays: number; oldestDays: number }[];
  topFiles: { path: string; open: number }[];
  topRules: { rule: string; name: string; open: number }[];
}

export interface ReportOptions {
  title?: string;
  client?: string;
  auditor?: string;
  date?: string;
  minSeverity: string;
  statuses: string[];
  includeCode: boolean;
  includeStrengths: boolean;
}
export type ReportFormat = 'markdown' | 'sarif' | 'json';

export interface Settings {
  editorCommand: string;
  dbPath: string;
  /** The project's database lives in the app's data folder (a read-only checkout). */
  dbInAppData: boolean;
  /** Who signs triage and notes (app-wide; "" = the project's report auditor, else the account). */
  auditor: string;
  watcherEnabled: boolean;
  excludes: string[];
  slaDays: { critical: number; high: number; medium: number; low: number };
}

// ---- events ----

export interface ScanFinished {
  headline: string;
  new: number;
  fixed: number;
  regressed: number;
  files: number;
}

export interface FindingsChanged {
  headline: string;
  paths: string[];
  new: number;
  fixed: number;
  regressed: number;
}

/** `watcher-state`: the watcher started (after the first scan) or stopped. */
export interface WatcherState {
  watching: boolean;
}

export interface ApiError {
  kind:
    | 'no_project'
    | 'outside_root'
    | 'not_found'
    | 'db_locked'
    | 'db_error'
    | 'io'
    | 'invalid'
    | 'scan_failed'
    | 'db_unwritable'
    | string;
  message: string;
}

/** Errors from a command, normalised to `ApiError` (a string error becomes `io`-less `invalid`). */
export function asApiError(e: unknown): ApiError {
  if (e && typeof e === 'object' && 'message' in e) {
    const o = e as { kind?: unknown; message: unknown };
    return { kind: typeof o.kind === 'string' ? o.kind : 'invalid', message: String(o.message) };
  }
  return { kind: 'invalid', message: String(e) };
}

// ---- transport ----

export type Unlisten = () => void;

export interface Transport {
  invoke<T>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  listen<T>(event: string, handler: (payload: T) => void): Promise<Unlisten>;
}

export const tauriTransport: Transport = {
  invoke: (cmd, args) => tauriInvoke(cmd, args),
  listen: (event, handler) => tauriListen(event, (e) => handler(e.payload as never)),
};

let transport: Transport = tauriTransport;

/** Replaces the transport (a test server's, for instance). */
export function setTransport(t: Transport): void {
  transport = t;
}

const call = <T>(cmd: string, args?: Record<string, unknown>) => transport.invoke<T>(cmd, args);

// ---- commands ----

export const api = {
  /** `dbInAppData`: keep the project's database in the app's data folder (a read-only checkout). */
  openProject: (path: string, dbInAppData?: boolean) =>
    call<ProjectInfo>('open_project', dbInAppData === undefined ? { path } : { path, dbInAppData }),
  startupProblem: () => call<StartupProblem | null>('startup_problem'),
  scanWarnings: () => call<ScanWarning[]>('scan_warnings'),
  closeProject: () => call<null>('close_project'),
  projectInfo: () => call<ProjectInfo | null>('project_info'),
  recentProjects: () => call<string[]>('recent_projects'),
  pickFolder: () => call<string | null>('pick_folder'),

  listFindings: (filter: FindingFilter) => call<FindingList>('list_findings', { filter }),
  findingDetail: (id: number) => call<FindingDetail>('finding_detail', { id }),
  readFile: (path: string) => call<FileText>('read_file', { path }),
  triage: (ids: number[], status: Triage, note?: string) =>
    call<FindingRow[]>('triage', note ? { ids, status, note } : { ids, status }),
  addNote: (id: number, note: string) => call<null>('add_note', { id, note }),
  addManual: (finding: ManualFindingInput) => call<number>('add_manual', { finding }),
  openInEditor: (path: string, line: number) => call<null>('open_in_editor', { path, line }),

  dashboard: (weeks?: number) => call<Dashboard>('dashboard', weeks === undefined ? {} : { weeks }),
  fileCounts: () => call<FileCount[]>('file_counts'),
  listRules: () => call<RuleInfo[]>('list_rules'),
  setRule: (id: string, change: { enabled?: boolean; severity?: string }) =>
    call<RuleInfo[]>('set_rule', { id, ...change }),
  renderReport: (options: ReportOptions, format: ReportFormat) =>
    call<string>('render_report', { options, format }),
  exportReport: (options: ReportOptions, format: ReportFormat) =>
    call<string | null>('export_report', { options, format }),
  getSettings: () => call<Settings>('get_settings'),
  setSettings: (settings: Settings) => call<Settings>('set_settings', { settings }),
};

// ---- events ----

export const events = {
  onScanProgress: (h: (p: Progress) => void) => transport.listen<Progress>('scan-progress', h),
  onScanFinished: (h: (p: ScanFinished) => void) => transport.listen<ScanFinished>('scan-finished', h),
  onFindingsChanged: (h: (p: FindingsChanged) => void) =>
    transport.listen<FindingsChanged>('findings-changed', h),
  onProjectError: (h: (p: ApiError) => void) => transport.listen<ApiError>('project-error', h),
  onWatcherState: (h: (p: WatcherState) => void) => transport.listen<WatcherState>('watcher-state', h),
};
