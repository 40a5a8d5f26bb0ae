#!/usr/bin/env node
// Makes sure node_modules/mediasoup has its native mediasoup-worker binary.
//
// Runs as the root package's postinstall. mediasoup's own postinstall is
// disabled ("allowScripts" in package.json): it downloads a prebuilt worker from
// GitHub and otherwise builds one while downloading every C++ dependency, so
// `npm install` fails on networks without GitHub access. Instead, in order:
//   1. MEDIASOUP_WORKER_BIN, if it names an executable (mediasoup uses it at run time);
//   2. a worker already in node_modules/mediasoup/worker/out/Release;
//   3. a worker cached by an earlier run (outside the repo, so it survives
//      `rm -rf node_modules`), keyed by mediasoup version, platform and arch;
//   4. mediasoup's prebuilt download (fails fast without internet);
//   5. an offline build of the worker source shipped in the npm package against
//      Debian's system libraries (bookworm or later); see scripts/mediasoup-worker/.
//      It applies scripts/mediasoup-worker/source-fixes.mjs, some of which change
//      what the worker does on the wire (a prebuilt worker lacks them; said so).
//
// Usage:
//   node scripts/ensure-mediasoup-worker.mjs               ensure the worker
//   node scripts/ensure-mediasoup-worker.mjs --print-deps  print the Debian packages
//                                                           the offline build needs
// Environment:
//   ROUNDTABLE_SKIP_WORKER=1        do nothing (e.g. machines that only package installers)
//   ROUNDTABLE_CACHE_DIR            cache root (default: ${XDG_CACHE_HOME:-~/.cache}/roundtable)
//   MEDIASOUP_WORKER_BIN            use this worker binary
//   MEDIASOUP_SKIP_WORKER_PREBUILT_DOWNLOAD=1, MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL
//                                   as in mediasoup's own postinstall
//   PYTHON, MESON                   python3 / meson (>= 1.1) to use for the offline build

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { sourceFixes } from './mediasoup-worker/source-fixes.mjs';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SUPPORT_DIR = path.join(ROOT_DIR, 'scripts', 'mediasoup-worker');
const MEDIASOUP_DIR = path.join(ROOT_DIR, 'node_modules', 'mediasoup');
const WORKER_BIN_NAME = process.platform === 'win32' ? 'mediasoup-worker.exe' : 'mediasoup-worker';
const WORKER_BIN = path.join(MEDIASOUP_DIR, 'worker', 'out', 'Release', WORKER_BIN_NAME);

// Debian packages for the offline build. The *-dev packages pull in the
// run-time libraries the worker links (libuv1, libssl3, libsrtp2-1, libabslNNN).
const BUILD_PACKAGES = [
  'g++',
  'pkg-config',
  'ninja-build',
  'python3-pip',
  'xz-utils',
  'libuv1-dev',
  'libssl-dev',
  'libsrtp2-dev',
  'libabsl-dev',
  'libflatbuffers-dev',
  'flatbuffers-compiler',
];
// mediasoup 3.27 pins meson 1.12.0; 1.12.1 is what the local pip index offers.
const MESON_VERSION = '1.12.1';
// Fake subprojects under scripts/mediasoup-worker/subprojects, by wrap file name.
const SUBPROJECTS = ['libuv', 'openssl', 'libsrtp3', 'flatbuffers', 'abseil-cpp', 'unordered-dense'];
// No Debian binary package ships ankerl/unordered_dense.h; trixie's rspamd
// source package carries a copy (4.4.0) that compiles mediasoup 3.27.
const UNORDERED_DENSE_SOURCE = { suite: 'trixie', sourcePackage: 'rspamd', dir: 'contrib/ankerl' };
const DOWNLOAD_CONNECT_TIMEOUT_MS = 20_000;
const DOWNLOAD_BODY_TIMEOUT_MS = 120_000;

class UserError extends Error {}

const log = message => console.log(`mediasoup worker: ${message}`);

async function main() {
  const args = process.argv.slice(2);

  if (args.includes('--print-deps')) {
    console.log(BUILD_PACKAGES.join(' '));
    return;
  }
  if (args.length > 0) {
    throw new UserError(
      `unknown argument(s): ${args.join(' ')} (usage: ensure-mediasoup-worker.mjs [--print-deps])`
    );
  }
  if (process.env.ROUNDTABLE_SKIP_WORKER === '1') {
    log('skipped (ROUNDTABLE_SKIP_WORKER=1)');
    return;
  }

  const envBin = process.env.MEDIASOUP_WORKER_BIN;
  if (envBin) {
    if (isExecutableFile(envBin)) {
      log(`using MEDIASOUP_WORKER_BIN=${envBin}`);
      return;
    }
    log(
      `MEDIASOUP_WORKER_BIN=${envBin} is not an executable file; ignoring it here ` +
        '(mediasoup will still try it at run time)'
    );
  }

  const mediasoupPackageJson = path.join(MEDIASOUP_DIR, 'package.json');
  if (!fs.existsSync(mediasoupPackageJson)) {
    throw new UserError(`${path.relative(ROOT_DIR, MEDIASOUP_DIR)} is not installed`);
  }
  const { version } = JSON.parse(fs.readFileSync(mediasoupPackageJson, 'utf8'));

  const usable = (bin, description) => {
    if (!isExecutableFile(bin)) {
      return false;
    }
    if (!workerRunsHere(bin)) {
      log(`${description} does not run on this host; replacing it`);
      return false;
    }
    if (!recipeIsCurrent(bin)) {
      log(`${description} was built with older scripts/mediasoup-worker files; replacing it`);
      return false;
    }
    return true;
  };

  if (usable(WORKER_BIN, path.relative(ROOT_DIR, WORKER_BIN))) {
    log(`found ${path.relative(ROOT_DIR, WORKER_BIN)}`);
    return;
  }

  const cacheRoot = cacheRootDir();
  const cachedBin = path.join(
    cacheRoot,
    'mediasoup-worker',
    `${version}-${process.platform}-${process.arch}`,
    WORKER_BIN_NAME
  );

  if (usable(cachedBin, `cached ${cachedBin}`)) {
    installWorker(cachedBin, WORKER_BIN);
    log(`using cached build ${cachedBin}`);
    if (!readIfExists(recipeFile(cachedBin)).startsWith('offline ')) {
      warnPrebuiltLacksFixes();
    }
    return;
  }

  if (process.env.MEDIASOUP_SKIP_WORKER_PREBUILT_DOWNLOAD) {
    log('prebuilt download skipped (MEDIASOUP_SKIP_WORKER_PREBUILT_DOWNLOAD)');
  } else if (await downloadPrebuiltWorker(version, cachedBin)) {
    installWorker(cachedBin, WORKER_BIN);
    log(`using mediasoup's prebuilt worker (cached at ${cachedBin})`);
    warnPrebuiltLacksFixes();
    return;
  }

  await buildOffline(cacheRoot, cachedBin);
}

// mediasoup's prebuilt worker is its upstream code: the source fixes that change
// what the worker does on the wire are only in builds from source.
function warnPrebuiltLacksFixes() {
  const missing = [...new Set(sourceFixes.flatMap(fix => (fix.behaviour ? [fix.behaviour] : [])))];
  if (missing.length > 0) {
    log(
      `mediasoup's prebuilt worker lacks Roundtable's worker fixes (${missing.join('; ')}); ` +
        'MEDIASOUP_SKIP_WORKER_PREBUILT_DOWNLOAD=1 builds the worker with them (Debian)'
    );
  }
}

function cacheRootDir() {
  if (process.env.ROUNDTABLE_CACHE_DIR) {
    return path.resolve(process.env.ROUNDTABLE_CACHE_DIR);
  }
  const xdgCache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdgCache, 'roundtable');
}

function isExecutableFile(file) {
  try {
    const stat = fs.statSync(file);
    fs.accessSync(file, fs.constants.X_OK);
    return stat.isFile() && stat.size > 0;
  } catch {
    return false;
  }
}

// The worker has no --version, but run without MEDIASOUP_VERSION in its
// environment it exits with 41 (worker/src/main.cpp); mediasoup checks its
// downloads the same way. Any other outcome (missing library, wrong arch) fails.
function workerRunsHere(bin) {
  const result = spawnSync(bin, [], { env: {}, stdio: 'ignore', timeout: 10_000 });
  return result.status === 41;
}

// Copies (never links) so node_modules does not depend on the cache staying put.
function installWorker(source, destination, recipe = readIfExists(recipeFile(source))) {
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  const temporary = `${destination}.tmp-${process.pid}`;
  fs.copyFileSync(source, temporary);
  fs.chmodSync(temporary, 0o755);
  fs.renameSync(temporary, destination);
  fs.writeFileSync(recipeFile(destination), recipe);
}

// Offline builds record which scripts/mediasoup-worker files made them, so that
// changing those files (say, fixing the srtp.h adapter) rebuilds instead of
// reusing a cached binary. Prebuilt and foreign binaries carry no such record.
function recipeFile(bin) {
  return path.join(path.dirname(bin), 'roundtable-build-recipe');
}

function recipeIsCurrent(bin) {
  const recipe = readIfExists(recipeFile(bin)).trim();
  return !recipe.startsWith('offline ') || recipe === offlineRecipe();
}

function offlineRecipe() {
  const hash = createHash('sha256').update(`meson ${MESON_VERSION}\n`);
  for (const file of fs.readdirSync(SUPPORT_DIR, { recursive: true }).sort()) {
    const full = path.join(SUPPORT_DIR, file);
    if (fs.statSync(full).isFile()) {
      hash.update(`${file}\n`).update(fs.readFileSync(full));
    }
  }
  return `offline ${hash.digest('hex').slice(0, 16)}`;
}

// --- Step 4: mediasoup's prebuilt worker (same URL logic as its npm-scripts.mjs) ---

async function downloadPrebuiltWorker(version, cachedBin) {
  let tarName = `mediasoup-worker-${version}-${os.platform()}-${os.arch()}`;
  if (os.platform() === 'linux') {
    tarName += `-kernel${Number(os.release().split('.')[0])}`;
  }
  const baseUrl =
    process.env.MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL ||
    'https://github.com/versatica/mediasoup/releases/download';
  const url = `${baseUrl}/${version}/${tarName}.tgz`;

  log(`trying prebuilt ${url}`);

  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), DOWNLOAD_CONNECT_TIMEOUT_MS);
  let tgz;
  try {
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok) {
      log(`no prebuilt worker (HTTP ${response.status})`);
      return false;
    }
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), DOWNLOAD_BODY_TIMEOUT_MS);
    tgz = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    const reason = controller.signal.aborted ? 'timed out' : error.cause?.code || error.message;
    log(`no prebuilt worker (${reason})`);
    return false;
  } finally {
    clearTimeout(timer);
  }

  let binary;
  try {
    binary = extractTarEntry(gunzipSync(tgz), WORKER_BIN_NAME);
  } catch (error) {
    log(`prebuilt worker archive unreadable (${error.message})`);
    return false;
  }
  if (!binary) {
    log(`prebuilt worker archive has no ${WORKER_BIN_NAME}`);
    return false;
  }

  const candidate = `${cachedBin}.download-${process.pid}`;
  fs.mkdirSync(path.dirname(cachedBin), { recursive: true });
  fs.writeFileSync(candidate, binary, { mode: 0o755 });
  if (!workerRunsHere(candidate)) {
    fs.rmSync(candidate, { force: true });
    log('prebuilt worker does not run on this host');
    return false;
  }
  fs.renameSync(candidate, cachedBin);
  fs.writeFileSync(recipeFile(cachedBin), 'prebuilt\n');
  return true;
}

// Minimal reader for the one-file ustar archives mediasoup publishes.
function extractTarEntry(tar, wantedName) {
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every(byte => byte === 0)) {
      break;
    }
    const field = (start, length) =>
      header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const name = field(0, 100);
    const dataStart = offset + 512;
    if ((type === '0' || type === '') && path.posix.basename(name) === wantedName) {
      return tar.subarray(dataStart, dataStart + size);
    }
    offset = dataStart + Math.ceil(size / 512) * 512;
  }
  return null;
}

// --- Step 5: offline build against system libraries ---

async function buildOffline(cacheRoot, cachedBin) {
  if (process.platform !== 'linux') {
    throw new UserError(
      'no prebuilt worker could be downloaded, and the offline build only supports Debian Linux; ' +
        'set MEDIASOUP_WORKER_BIN to a mediasoup-worker binary'
    );
  }
  ensureBuildPackages();

  const started = Date.now();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-mediasoup-worker-'));
  const build = new BuildRun(path.join(workDir, 'build.log'));
  log(`building from node_modules/mediasoup/worker in ${workDir} (takes a few minutes)`);

  try {
    const unorderedDenseDir = await ensureUnorderedDense(cacheRoot, workDir, build);
    const sourceDir = path.join(workDir, 'worker');
    const buildDir = path.join(workDir, 'build');

    copyWorkerSource(sourceDir);
    applySourceFixes(sourceDir);
    placeSubprojects(sourceDir, unorderedDenseDir);

    const meson = await mesonCommand(workDir, build);
    const runMeson = (args, options) =>
      build.run(meson.command, [...meson.args, ...args], { env: meson.env, ...options });

    log('configuring against the system libraries');
    await runMeson([
      'setup',
      '--buildtype=release',
      '-Db_ndebug=true',
      '--wrap-mode=nodownload',
      buildDir,
      sourceDir,
    ]);

    log('compiling');
    // As mediasoup's tasks.py does: deps/libwebrtc includes the generated
    // FlatBuffers headers without depending on their generator target.
    await runMeson(['compile', '-C', buildDir, 'flatbuffers-generator']);
    let reported = 0;
    await runMeson(['compile', '-C', buildDir, 'mediasoup-worker'], {
      onLine: line => {
        const match = /^\[(\d+)\/(\d+)\]/.exec(line);
        if (!match) {
          return;
        }
        const percent = Math.floor((100 * Number(match[1])) / Number(match[2]));
        if (percent >= reported + 10) {
          reported = percent - (percent % 10);
          log(`compiling [${match[1]}/${match[2]}]`);
        }
      },
    });

    const builtBin = path.join(buildDir, WORKER_BIN_NAME);
    checkBuiltWorker(builtBin);
    installWorker(builtBin, cachedBin, `${offlineRecipe()}\n`);
    installWorker(cachedBin, WORKER_BIN);
    fs.rmSync(workDir, { recursive: true, force: true });
    log(`built in ${Math.round((Date.now() - started) / 1000)} s; cached at ${cachedBin}`);
  } catch (error) {
    build.printTail();
    const hint = `build log and tree kept in ${workDir}`;
    const message = error instanceof UserError ? error.message : `build failed: ${error.message}`;
    throw new UserError(`${message}\n(${hint})`);
  }
}

function ensureBuildPackages() {
  if (spawnSync('dpkg-query', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new UserError(
      'no prebuilt worker could be downloaded, and the offline build needs a Debian system (dpkg); ' +
        'set MEDIASOUP_WORKER_BIN to a mediasoup-worker binary'
    );
  }

  const missing = BUILD_PACKAGES.filter(name =>
    // Any python3 with pip will do (pyenv, venv...), not only Debian's.
    name === 'python3-pip' ? !pythonHasPip() : !debianPackageInstalled(name)
  );
  if (missing.length === 0) {
    return;
  }

  const canInstall =
    process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!canInstall) {
    throw new UserError(
      `the offline build needs these packages:\n  sudo apt-get install -y ${missing.join(' ')}\n` +
        'then run `node scripts/ensure-mediasoup-worker.mjs` again'
    );
  }

  log(`installing build packages: apt-get install -y ${missing.join(' ')}`);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Wait for a concurrent apt/dpkg instead of failing on its lock.
  const install = () =>
    spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', ...missing], {
      stdio: 'inherit',
      env: aptEnv,
    }).status === 0;
  if (!install()) {
    log('apt-get install failed; refreshing package lists and retrying');
    spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'update'], { stdio: 'inherit', env: aptEnv });
    if (!install()) {
      throw new UserError(`could not install: apt-get install -y ${missing.join(' ')}`);
    }
  }
}

function debianPackageInstalled(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.startsWith('ii');
}

function python() {
  return process.env.PYTHON || 'python3';
}

function pythonHasPip() {
  return spawnSync(python(), ['-m', 'pip', '--version'], { stdio: 'ignore' }).status === 0;
}

// Logs every command's output to one file and keeps the terminal to progress lines.
class BuildRun {
  constructor(logFile) {
    this.logFile = logFile;
  }

  run(command, args, { cwd, env, onLine } = {}) {
    return new Promise((resolve, reject) => {
      const out = fs.createWriteStream(this.logFile, { flags: 'a' });
      out.write(`\n$ ${command} ${args.join(' ')}\n`);
      const child = spawn(command, args, {
        cwd,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let pending = '';
      const onData = chunk => {
        out.write(chunk);
        if (onLine) {
          const lines = (pending + chunk.toString()).split('\n');
          pending = lines.pop();
          lines.forEach(onLine);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('error', error => out.end(() => reject(error)));
      child.on('close', code =>
        out.end(() =>
          code === 0
            ? resolve()
            : reject(new Error(`\`${command} ${args.join(' ')}\` exited with ${code}`))
        )
      );
    });
  }

  printTail(lines = 40) {
    if (!fs.existsSync(this.logFile)) {
      return;
    }
    const tail = fs.readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines);
    console.error(tail.map(line => `  | ${line}`).join('\n'));
  }
}

async function mesonCommand(workDir, build) {
  if (process.env.MESON) {
    return { command: process.env.MESON, args: [], env: {} };
  }
  const target = path.join(workDir, 'meson');
  log(`installing meson ${MESON_VERSION} with pip (into the build directory)`);
  await build.run(
    python(),
    ['-m', 'pip', 'install', '--no-user', '--target', target, `meson==${MESON_VERSION}`],
    { env: { PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_ROOT_USER_ACTION: 'ignore' } }
  );
  const pythonPath = [target, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  return { command: python(), args: ['-m', 'mesonbuild.mesonmain'], env: { PYTHONPATH: pythonPath } };
}

// Copies the worker source, leaving out build output and any subproject
// directories a previous mediasoup build may have left.
function copyWorkerSource(sourceDir) {
  const from = path.join(MEDIASOUP_DIR, 'worker');
  fs.cpSync(from, sourceDir, {
    recursive: true,
    filter: file => {
      const relative = path.relative(from, file).split(path.sep);
      if (relative[0] === 'out') {
        return false;
      }
      if (relative[0] === 'subprojects' && relative.length === 2) {
        return relative[1] === 'packagefiles' || relative[1].endsWith('.wrap');
      }
      return true;
    },
  });
}

function applySourceFixes(sourceDir) {
  for (const fix of sourceFixes) {
    const file = path.join(sourceDir, fix.file);
    const text = fs.readFileSync(file, 'utf8');
    if (text.includes(fix.search)) {
      fs.writeFileSync(file, text.replace(fix.search, fix.replace));
    } else if (!fix.fixed.test(text)) {
      throw new UserError(
        `cannot apply source fix to ${fix.file}: expected code not found (mediasoup changed?)`
      );
    }
  }
}

// A subproject directory that already exists under the name in its wrap's
// `directory =` line is used as-is, so meson never tries to download it.
function placeSubprojects(sourceDir, unorderedDenseDir) {
  for (const name of SUBPROJECTS) {
    const wrap = fs.readFileSync(path.join(sourceDir, 'subprojects', `${name}.wrap`), 'utf8');
    const directory = /^directory\s*=\s*(\S+)\s*$/m.exec(wrap)?.[1];
    if (!directory) {
      throw new UserError(`no directory line in worker/subprojects/${name}.wrap`);
    }
    const destination = path.join(sourceDir, 'subprojects', directory);
    fs.cpSync(path.join(SUPPORT_DIR, 'subprojects', name), destination, { recursive: true });
    if (name === 'unordered-dense') {
      fs.cpSync(unorderedDenseDir, path.join(destination, 'include', 'ankerl'), { recursive: true });
    }
  }
}

function checkBuiltWorker(bin) {
  const ldd = spawnSync('ldd', [bin], { encoding: 'utf8' });
  const libraries = [...(ldd.stdout ?? '').matchAll(/^\s*(\S+) => (.*?)(?: \(0x[0-9a-f]+\))?$/gm)];
  const notFound = libraries.filter(([, , where]) => where === 'not found').map(([, name]) => name);
  if (notFound.length > 0) {
    throw new UserError(`the built worker misses shared libraries: ${notFound.join(' ')}`);
  }
  if (!workerRunsHere(bin)) {
    throw new UserError(`the built ${bin} does not run`);
  }
  if (libraries.length === 0) {
    return;
  }
  // Unlike a prebuilt worker, this one needs these packages wherever it runs.
  // Both paths: dpkg knows some libraries by their /lib name, others by their /usr/lib one.
  const paths = new Set(libraries.flatMap(([, , where]) => [where, fs.realpathSync(where)]));
  const owners = spawnSync('dpkg-query', ['-S', ...paths], { encoding: 'utf8' });
  const packages = new Set(
    [...owners.stdout.matchAll(/^([^:\s]+)(?::\w+)?: /gm)].map(([, name]) => name)
  );
  log(`run-time packages: ${[...packages].sort().join(' ')}`);
}

// --- ankerl/unordered_dense.h from Debian's rspamd source package, fetched once ---

async function ensureUnorderedDense(cacheRoot, workDir, build) {
  const cacheDir = path.join(cacheRoot, 'mediasoup-worker', 'deps', 'unordered_dense', 'ankerl');
  if (fs.existsSync(path.join(cacheDir, 'unordered_dense.h'))) {
    return cacheDir;
  }

  const { suite, sourcePackage, dir } = UNORDERED_DENSE_SOURCE;
  const mirror = findDebianMirror();
  log(
    `fetching ankerl/unordered_dense.h from Debian ${suite}'s ${sourcePackage} source package ` +
      `(${mirror.uri})`
  );

  const aptDir = path.join(workDir, 'apt');
  for (const sub of ['sources.list.d', 'lists/partial', 'cache/archives/partial', 'source']) {
    fs.mkdirSync(path.join(aptDir, sub), { recursive: true });
  }
  const stanza = [
    'Types: deb-src',
    `URIs: ${mirror.uri}`,
    `Suites: ${suite}`,
    'Components: main',
    ...(mirror.signedBy ? [`Signed-By: ${mirror.signedBy.replace(/\n/g, '\n ')}`] : []),
  ];
  const sourcesFile = path.join(aptDir, 'sources.list.d', `${suite}-src.sources`);
  fs.writeFileSync(sourcesFile, `${stanza.join('\n')}\n`);

  // A private apt state: the machine's sources, lists and cache stay untouched.
  const aptOptions = [
    ['Dir::Etc::SourceList', '/dev/null'],
    ['Dir::Etc::SourceParts', path.join(aptDir, 'sources.list.d')],
    ['Dir::State::Lists', path.join(aptDir, 'lists')],
    ['Dir::Cache', path.join(aptDir, 'cache')],
    ['Debug::NoLocking', '1'],
    // The _apt sandbox user cannot read a private temporary directory.
    ...(process.getuid?.() === 0 ? [['APT::Sandbox::User', 'root']] : []),
  ].flatMap(([key, value]) => ['-o', `${key}=${value}`]);

  const sourceDir = path.join(aptDir, 'source');
  try {
    await build.run('apt-get', [...aptOptions, 'update']);
    await build.run('apt-get', [...aptOptions, 'source', '--download-only', sourcePackage], {
      cwd: sourceDir,
    });
  } catch (error) {
    throw new UserError(
      `could not download the ${sourcePackage} source package from ${mirror.uri} ${suite} ` +
        `(${error.message}). Alternatively put ankerl/unordered_dense.h (version 4.x, MIT) ` +
        `at ${path.join(cacheDir, 'unordered_dense.h')}`
    );
  }

  const orig = fs.readdirSync(sourceDir).find(file => /\.orig\.tar\.\w+$/.test(file));
  if (!orig) {
    throw new UserError(`no upstream tarball among the downloaded ${sourcePackage} source files`);
  }
  await build.run('tar', ['-xf', orig, '--wildcards', `*/${dir}/*`], { cwd: sourceDir });
  const [topDir] = fs
    .readdirSync(sourceDir, { withFileTypes: true })
    .filter(entry => entry.isDirectory());
  const extracted = path.join(sourceDir, topDir.name, dir);
  const header = fs.readFileSync(path.join(extracted, 'unordered_dense.h'), 'utf8');
  const version = ['MAJOR', 'MINOR', 'PATCH']
    .map(part => new RegExp(`ANKERL_UNORDERED_DENSE_VERSION_${part}\\s+(\\d+)`).exec(header)?.[1])
    .join('.');
  if (!/^([4-9]|\d{2,})\./.test(version)) {
    throw new UserError(`${sourcePackage}'s unordered_dense.h is version ${version}; mediasoup needs 4.x`);
  }

  const staging = `${cacheDir}.tmp-${process.pid}`;
  fs.mkdirSync(staging, { recursive: true });
  fs.copyFileSync(path.join(extracted, 'unordered_dense.h'), path.join(staging, 'unordered_dense.h'));
  fs.copyFileSync(path.join(extracted, 'LICENSE'), path.join(staging, 'LICENSE'));
  fs.writeFileSync(
    path.join(staging, 'ORIGIN'),
    `ankerl::unordered_dense ${version}: ${dir}/ of ${orig} (Debian ${suite}, ${mirror.uri})\n`
  );
  fs.rmSync(cacheDir, { recursive: true, force: true });
  fs.renameSync(staging, cacheDir);
  log(`cached unordered_dense.h ${version} in ${cacheDir}`);
  return cacheDir;
}

// The machine's own Debian mirror: the apt source entry for its release's main suite.
function findDebianMirror() {
  const osRelease = readIfExists('/etc/os-release');
  const codename = /^VERSION_CODENAME=(.*)$/m.exec(osRelease)?.[1]?.replace(/"/g, '');
  const entries = readAptSources();
  const entry = entries.find(
    candidate =>
      candidate.enabled &&
      candidate.types.some(type => type === 'deb' || type === 'deb-src') &&
      candidate.suites.includes(codename) &&
      candidate.components.includes('main')
  );
  if (!entry) {
    throw new UserError(
      `no apt source for this system's release (${codename || 'unknown'}) found in /etc/apt; ` +
        'cannot locate a Debian mirror for the unordered_dense header'
    );
  }
  return { uri: entry.uris[0].replace(/\/+$/, ''), signedBy: entry.signedBy };
}

function readAptSources() {
  const entries = [];
  const partsDir = '/etc/apt/sources.list.d';
  const files = ['/etc/apt/sources.list'];
  if (fs.existsSync(partsDir)) {
    files.push(...fs.readdirSync(partsDir).sort().map(file => path.join(partsDir, file)));
  }

  for (const file of files) {
    const text = readIfExists(file);
    if (file.endsWith('.sources')) {
      entries.push(...parseDeb822Sources(text));
    } else if (file.endsWith('.list')) {
      entries.push(...parseOneLineSources(text));
    }
  }
  return entries;
}

function parseDeb822Sources(text) {
  const entries = [];
  const paragraphs = text
    .split('\n')
    .filter(line => !line.startsWith('#'))
    .join('\n')
    .split(/\n\s*\n/);
  for (const paragraph of paragraphs) {
    const fields = {};
    let current;
    for (const line of paragraph.split('\n')) {
      if (/^\s/.test(line) && current) {
        fields[current] += `\n${line.trim()}`;
      } else {
        const match = /^([\w-]+):\s*(.*)$/.exec(line);
        if (match) {
          current = match[1].toLowerCase();
          fields[current] = match[2];
        }
      }
    }
    if (!fields.uris) {
      continue;
    }
    const words = value => (value || '').split(/\s+/).filter(Boolean);
    entries.push({
      enabled: (fields.enabled || 'yes').toLowerCase() !== 'no',
      types: words(fields.types),
      uris: words(fields.uris),
      suites: words(fields.suites),
      components: words(fields.components),
      signedBy: fields['signed-by'],
    });
  }
  return entries;
}

function parseOneLineSources(text) {
  const entries = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/#.*/, '').trim();
    const match = /^(deb(?:-src)?)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!match) {
      continue;
    }
    const [, type, options = '', uri, suite, components] = match;
    entries.push({
      enabled: true,
      types: [type],
      uris: [uri],
      suites: [suite],
      components: components.split(/\s+/).filter(Boolean),
      signedBy: /(?:^|\s)signed-by=(\S+)/.exec(options)?.[1],
    });
  }
  return entries;
}

function readIfExists(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

main().catch(error => {
  if (error instanceof UserError) {
    console.error(`mediasoup worker: ${error.message}`);
  } else {
    console.error('mediasoup worker: unexpected failure:', error);
  }
  process.exit(1);
});
