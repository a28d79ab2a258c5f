#!/usr/bin/env node
/**
 * Installs what is missing, before anything else runs (so: plain Node, no dependencies).
 *
 *   node scripts/ensure.mjs            npm dependencies (npm ci from package-lock.json, else npm install)
 *   node scripts/ensure.mjs --browser  the same, plus Debian's chromium (and a font) via apt-get
 *   node scripts/ensure.mjs --quiet    print nothing when nothing is to do
 *
 * npm dependencies are (re)installed when node_modules/.package-lock.json is missing or older than
 * package.json / package-lock.json, or when a dependency's folder is missing. When package-lock.json lacks
 * other platforms' optional packages (npm ci would refuse it) or npm ci fails, npm install is used instead: it
 * keeps the versions pinned in package-lock.json.
 * Exits non-zero with a clear message when an install fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const wantBrowser = args.has('--browser');
const CHROMIUM = '/usr/bin/chromium';
const FONTS_DIR = '/usr/share/fonts';

function say(msg) {
  console.log(`[ensure] ${msg}`);
}

function fail(msg) {
  console.error(`[ensure] ${msg}`);
  process.exit(1);
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Why node_modules needs an install, or undefined when it is up to date. */
function npmReason() {
  const pkgPath = join(root, 'package.json');
  const lockPath = join(root, 'package-lock.json');
  const hidden = join(root, 'node_modules', '.package-lock.json');
  const installed = mtime(hidden);
  if (installed === undefined) return 'node_modules is missing or incomplete';
  const pkgTime = mtime(pkgPath) ?? 0;
  const lockTime = mtime(lockPath) ?? 0;
  if (installed < pkgTime) return 'package.json is newer than node_modules';
  if (installed < lockTime) return 'package-lock.json is newer than node_modules';
  let pkg;
  try {
    pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  } catch (e) {
    fail(`cannot read package.json: ${e.message}`);
  }
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  for (const name of Object.keys(deps)) {
    if (!existsSync(join(root, 'node_modules', name, 'package.json'))) return `dependency ${name} is missing`;
  }
  return undefined;
}

/** Optional dependencies that package-lock.json names but has no entry for (npm ci then refuses it). */
function lockMissingOptionals() {
  let packages;
  try {
    packages = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages ?? {};
  } catch {
    return [];
  }
  const present = new Set(Object.keys(packages).map((k) => k.slice(k.lastIndexOf('node_modules/') + 13)));
  const missing = new Set();
  for (const entry of Object.values(packages)) {
    for (const name of Object.keys(entry.optionalDependencies ?? {})) if (!present.has(name)) missing.add(name);
  }
  return [...missing];
}

function run(cmd, cmdArgs, env) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.error) return { ok: false, why: `${cmd} could not start: ${r.error.message}` };
  if (r.status !== 0) {
    return { ok: false, why: `\`${[cmd, ...cmdArgs].join(' ')}\` exited with ${r.status ?? `signal ${r.signal}`}` };
  }
  return { ok: true };
}

function ensureNpm() {
  const reason = npmReason();
  if (!reason) {
    if (!quiet) say('npm dependencies are up to date.');
    return;
  }
  const hasLock = existsSync(join(root, 'package-lock.json'));
  const missing = hasLock ? lockMissingOptionals() : [];
  // npm ci refuses a lockfile that lacks other platforms' optional packages (e.g. rollup's darwin/win32 builds),
  // which is what npm writes when the registry it reaches does not serve them; npm install still installs the
  // versions pinned in package-lock.json.
  const useCi = hasLock && missing.length === 0;
  const npmArgs = [useCi ? 'ci' : 'install', '--no-audit', '--no-fund'];
  const note = missing.length ? ` (npm ci would refuse package-lock.json: it lacks ${missing.length} optional platform packages such as ${missing[0]})` : '';
  say(`${reason}: running npm ${npmArgs.join(' ')}${note}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  let r = run(npm, npmArgs);
  if (!r.ok && useCi) {
    say(`${r.why}; trying npm install --no-audit --no-fund (same versions, from package-lock.json)`);
    r = run(npm, ['install', '--no-audit', '--no-fund']);
  }
  if (!r.ok) fail(`Installing npm dependencies failed: ${r.why}.`);
  // npm does not always rewrite its hidden lockfile when nothing changed: mark node_modules as up to date.
  const hidden = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(hidden)) {
    const now = new Date();
    utimesSync(hidden, now, now);
  }
  const still = npmReason();
  if (still) fail(`npm finished but node_modules is still not complete (${still}).`);
}

function hasFonts(dir, depth = 0) {
  if (depth > 6) return false;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const e of entries) {
    if (e.isFile() && /\.(ttf|otf|ttc|pfb|pfa|woff2?|pcf(\.gz)?)$/i.test(e.name)) return true;
  }
  for (const e of entries) {
    if ((e.isDirectory() || e.isSymbolicLink()) && hasFonts(join(dir, e.name), depth + 1)) return true;
  }
  return false;
}

function commandExists(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
  return r.status === 0;
}

function ensureBrowser() {
  const packages = [];
  if (!existsSync(CHROMIUM)) packages.push('chromium');
  if (!hasFonts(FONTS_DIR)) packages.push('fonts-dejavu-core');
  if (packages.length === 0) {
    if (!quiet) say(`${CHROMIUM} is present.`);
    return;
  }
  if (process.platform !== 'linux' || !commandExists('apt-get')) {
    fail(`${packages.join(' and ')} missing and apt-get is not available: install Chromium at ${CHROMIUM} by hand.`);
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  let prefix = [];
  if (!isRoot) {
    if (!commandExists('sudo')) {
      fail(`Installing ${packages.join(' ')} needs root: run \`apt-get install -y ${packages.join(' ')}\` as root, then try again.`);
    }
    // Without a terminal sudo must not wait for a password it can never get.
    prefix = process.stdin.isTTY ? ['sudo'] : ['sudo', '-n'];
  }
  const exec = (cmdArgs) => (prefix.length ? run(prefix[0], [...prefix.slice(1), ...cmdArgs]) : run(cmdArgs[0], cmdArgs.slice(1)));
  say(`installing ${packages.join(' ')} with apt-get`);
  let r = exec(['apt-get', 'update']);
  if (!r.ok) fail(`apt-get update failed: ${r.why}.`);
  r = exec(['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', ...packages]);
  if (!r.ok) fail(`Installing ${packages.join(' ')} failed: ${r.why}.`);
  if (!existsSync(CHROMIUM)) fail(`apt-get finished but ${CHROMIUM} is still missing.`);
}

ensureNpm();
if (wantBrowser) ensureBrowser();
