#!/usr/bin/env node
/**
 * `npm test`'s runner (after scripts/ensure.mjs --browser): in order, streaming their output,
 *   1. npx svelte-kit sync
 *   2. npx vitest run --project unit
 *   3. npx vitest run --project e2e      (builds build/ and serves it; see tests/e2e/global-setup.ts)
 * It stops at the first failure with that step's exit code, and ends with the plain line
 * `N passed, N failed` summing both vitest runs (read from vitest's JSON reporter).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const tmp = mkdtempSync(join(tmpdir(), 'sjukfall-test-'));
const totals = { passed: 0, failed: 0, counted: false };

/** Runs a command with inherited stdio; resolves to its exit code (1 when it died by a signal). */
function run(cmd, args) {
  console.log(`\n> ${[cmd, ...args].join(' ')}`);
  return new Promise((ok) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
    child.on('error', (e) => {
      console.error(`${cmd} could not start: ${e.message}`);
      ok(1);
    });
    child.on('exit', (code, signal) => ok(code ?? (signal ? 1 : 0)));
  });
}

/** Adds the counts of one vitest JSON report, if it was written. */
function count(jsonFile) {
  if (!existsSync(jsonFile)) return;
  try {
    const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
    totals.passed += report.numPassedTests ?? 0;
    totals.failed += report.numFailedTests ?? 0;
    totals.counted = true;
  } catch (e) {
    console.error(`Could not read the vitest report ${jsonFile}: ${e.message}`);
  }
}

function hasTestFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  return entries.some((e) => (e.isFile() ? e.name.endsWith('.test.ts') : e.isDirectory() && hasTestFiles(join(dir, e.name))));
}

function finish(code) {
  if (totals.counted || code === 0) console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(code);
}

async function vitest(project, extra = []) {
  const out = join(tmp, `${project}.json`);
  const code = await run(npx, [
    'vitest', 'run', '--project', project,
    '--reporter=default', '--reporter=json', `--outputFile.json=${out}`,
    ...extra
  ]);
  count(out);
  return code;
}

let code = await run(npx, ['svelte-kit', 'sync']);
if (code !== 0) finish(code);

code = await vitest('unit');
if (code !== 0) finish(code);

// Only an e2e folder without any test file may pass with no tests.
code = await vitest('e2e', hasTestFiles(join(root, 'tests', 'e2e')) ? [] : ['--passWithNoTests']);
if (code !== 0) finish(code);

if (totals.failed > 0) finish(1);
finish(0);
