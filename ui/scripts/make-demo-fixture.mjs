// Regenerates src/lib/testing/demo-data.json (the test double's findings and rules)
// from the real CLI, so the fixtures keep the shapes of real data.
// Usage: node scripts/make-demo-fixture.mjs [path/to/auditbench]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const bin = process.argv[2] ?? path.join(repo, 'target/debug/auditbench');
const run = (...args) => {
  try {
    return execFileSync(bin, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch (e) {
    // `scan` exits 1 when it finds something; its stdout is still the report.
    if (e.stdout) return e.stdout;
    throw e;
  }
};

const scan = JSON.parse(run('scan', path.join(repo, 'fixtures/demo-backend'), '--format', 'json', '--confidence', 'low', '--no-db'));
const rules = run('rules')
  .split('\n')
  .slice(1)
  .filter((l) => l.trim())
  .map((l) => {
    const m = l.match(/^(\S+)\s+(\S+)\s+(\S+)\s+(.*)$/);
    const [, id, name, severity, summary] = m;
    const doc = run('rule', id);
    return { id, name, severity, summary: summary.trim(), doc };
  });
const findings = scan.findings
  .filter((f) => f.kind === 'finding')
  .map((f) => ({
    rule: f.rule,
    name: f.name,
    severity: f.severity,
    path: f.path,
    line: f.line,
    end_line: f.end_line,
    scope: f.scope,
    message: f.message,
    fingerprint: f.fingerprint,
    fix_before: f.fix?.before ?? null,
    fix_after: f.fix?.after ?? null,
    related: f.related ?? [],
    confidence: f.confidence ?? null,
    evidence: f.evidence ?? [],
  }));
writeFileSync(
  path.join(here, '../src/lib/testing/demo-data.json'),
  JSON.stringify({ root: 'fixtures/demo-backend', findings, rules }, null, 1) + '\n',
);
console.log(`${findings.length} findings, ${rules.length} rules`);
