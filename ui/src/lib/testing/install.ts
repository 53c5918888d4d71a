// Installs the in-memory backend behind Tauri's own IPC mock, so the UI under test
// runs the real api.ts code (invoke/listen) and events go through Tauri's emulation.
// Only the `--mode double` build includes this module.

import { mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import { DoubleBackend } from './backend';

// The real demo project's sources (fixtures/demo-backend), keyed by project path.
const raw = import.meta.glob('../../../../fixtures/demo-backend/**/*.py', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;
const sources: Record<string, string> = {};
for (const [k, v] of Object.entries(raw)) sources[k.replace(/^.*fixtures\/demo-backend\//, '')] = v;

declare global {
  interface Window {
    __double: DoubleBackend;
  }
}

export function installDouble(): DoubleBackend {
  const backend = new DoubleBackend((event, payload) => void emit(event, payload), sources);
  mockIPC(
    async (cmd, payload) => {
      // Tauri's event emulation answers `plugin:event|*` itself.
      return backend.handle(cmd, (payload ?? {}) as Record<string, unknown>);
    },
    { shouldMockEvents: true },
  );
  window.__double = backend;
  return backend;
}
