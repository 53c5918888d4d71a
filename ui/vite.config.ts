import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// `--mode double` builds the UI with the in-memory test double as its backend
// (src/lib/testing/); the default build talks to Tauri. Tauri serves ui/dist.
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  base: './',
  clearScreen: false,
  // The test double reads the demo project's sources from ../fixtures.
  server: { port: 1420, strictPort: true, fs: { allow: ['..'] } },
  build: {
    outDir: mode === 'double' ? 'dist-double' : 'dist',
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
  define: {
    __BACKEND_DOUBLE__: JSON.stringify(mode === 'double'),
  },
}));
