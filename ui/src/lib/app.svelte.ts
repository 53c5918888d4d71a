// Shared application state (Svelte 5 runes): the open project, the current view,
// the live-update notice and a revision that views watch to reload their data
// when the backend reports a change. Views read it; only App.svelte subscribes to
// backend events.

import type { FindingsChanged, ProjectInfo } from './api';

export type ViewId = 'findings' | 'dashboard' | 'files' | 'rules' | 'report' | 'settings';

export interface Notice {
  text: string;
  kind: 'info' | 'error';
  at: number;
}

export const app = $state({
  project: null as ProjectInfo | null,
  view: 'findings' as ViewId,
  /** Bumped on every `scan-finished` / `findings-changed`: views reload. */
  revision: 0,
  /** The last watcher batch (the open viewer reloads when its file is listed). */
  lastChange: null as FindingsChanged | null,
  notice: null as Notice | null,
  /** The findings view's path filter: set by a click in Files, cleared in the
   * findings view; it lasts while the project is open, and no longer. */
  pathFilter: '',
  /** Findings first seen after this time (the project's opening scan) are "new"
   * in the table: what the watcher or a re-scan found while the project is open. */
  newSince: null as number | null,
});

/** A project was opened or closed: what belonged to the previous one goes. */
export function setProject(p: ProjectInfo | null): void {
  if (p?.root !== app.project?.root) {
    app.pathFilter = '';
    app.lastChange = null;
    app.newSince = null;
  }
  app.project = p;
  if (app.newSince === null && p?.lastScan && !p.scanning) app.newSince = p.lastScan.at;
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows a short notice; it fades after a while unless it is an error. */
export function notify(text: string, kind: Notice['kind'] = 'info'): void {
  app.notice = { text, kind, at: Date.now() };
  clearTimeout(noticeTimer);
  if (kind === 'info') noticeTimer = setTimeout(() => (app.notice = null), 8000);
}

export function navigate(view: ViewId): void {
  app.view = view;
}

/** The open project's last scan read no Python file (nothing to audit). */
export function noPython(): boolean {
  return app.project?.lastScan?.files === 0;
}
