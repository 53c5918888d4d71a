// Data a view loads from the backend, reloaded whenever the shell bumps
// `app.revision` (scan finished, watcher batch), with the error kept as an
// `ApiError` so the view can say what went wrong (database locked, folder gone).
// Call it while a component initialises: it owns an `$effect`.

import { untrack } from 'svelte';
import { app } from './app.svelte';
import { asApiError, type ApiError } from './api';

export interface Resource<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload(): Promise<void>;
}

export function resource<T>(fetch: () => Promise<T>): Resource<T> {
  let seq = 0;
  const r: Resource<T> = $state({
    data: null,
    error: null,
    loading: true,
    async reload() {
      const mine = ++seq;
      r.loading = true;
      try {
        const data = await fetch();
        if (mine !== seq) return; // a newer load started meanwhile
        r.data = data;
        r.error = null;
      } catch (e) {
        if (mine === seq) r.error = asApiError(e);
      } finally {
        if (mine === seq) r.loading = false;
      }
    },
  });
  $effect(() => {
    void app.revision;
    untrack(() => void r.reload());
  });
  return r;
}

/** A sentence for an error from the backend, by kind (docs/desktop-api.md). */
export function explain(e: ApiError): { title: string; hint: string } {
  switch (e.kind) {
    case 'db_locked':
      return {
        title: 'The project database is locked',
        hint: 'Another process (a scan from the command line, another window) is writing to it. Retry when it has finished.',
      };
    case 'no_project':
    case 'not_found':
      return {
        title: 'The project is not available',
        hint: 'The project folder may have been removed or renamed while it was open. Open it again from its new place.',
      };
    case 'scan_failed':
      return { title: 'The scan failed', hint: 'The findings shown are from the last scan that succeeded.' };
    case 'db_error':
      return { title: 'The project database could not be read', hint: 'It may be damaged or from a newer auditbench.' };
    case 'io':
      return { title: 'A file could not be read or written', hint: 'Check that the project folder still exists and is writable.' };
    default:
      return { title: 'Something went wrong', hint: '' };
  }
}
