// Runs every tests/*.test.mjs with node:test (one file at a time: one Chromium
// each) and prints a closing line `N passed, N failed`; exits non-zero on failure.
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.test.mjs') && (!only.length || only.some((o) => f.includes(o))))
  .map((f) => join(dir, f));

let passed = 0;
let failed = 0;
const stream = run({ files, concurrency: 1 });
stream.on('test:pass', (t) => t.details.type !== 'suite' && t.nesting === 0 && passed++);
stream.on('test:fail', (t) => t.details.type !== 'suite' && t.nesting === 0 && failed++);
stream.compose(spec).pipe(process.stdout);
// The stream ends before the reporter has flushed: print the tally last.
process.on('beforeExit', () => {
  if (process.exitCode === undefined || process.exitCode === 0) process.exitCode = failed ? 1 : 0;
  if (!printed) console.log(`\n${passed} passed, ${failed} failed`);
  printed = true;
});
let printed = false;
