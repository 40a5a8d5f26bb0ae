#!/usr/bin/env node
/**
 * Bundles the Electron main process and the preload script with esbuild.
 *
 *   out/main/index.mjs     ES module (electron-store is ESM-only). Split into chunks so that
 *                          electron/host, and with it mediasoup, loads only when hosting starts,
 *                          after main has set MEDIASOUP_WORKER_BIN.
 *   out/preload/index.cjs  CommonJS: sandboxed preloads cannot be ES modules.
 *
 * Every node_modules package stays external (electron-builder ships production dependencies).
 * Usage: node scripts/build-electron.mjs [--watch] [--production]
 */
import { readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production') || process.env.NODE_ENV === 'production';

/** @type {esbuild.BuildOptions} */
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  sourcemap: production ? 'linked' : 'inline',
  minify: false,
  legalComments: 'none',
  logLevel: 'info',
  define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
};

/** @type {esbuild.BuildOptions} */
const main = {
  ...common,
  entryPoints: { index: 'electron/main/index.ts' },
  outdir: 'out/main',
  format: 'esm',
  splitting: true,
  target: 'node22',
  packages: 'external',
  outExtension: { '.js': '.mjs' },
  // Chunks sit beside index.mjs so import.meta.url-relative paths (Host's web root) still hold.
  chunkNames: '[name]-[hash]',
};

/** @type {esbuild.BuildOptions} */
const preload = {
  ...common,
  entryPoints: ['electron/preload/index.ts'],
  outfile: 'out/preload/index.cjs',
  format: 'cjs',
  target: 'chrome130',
  // The sandboxed preload may require('electron') and nothing else from outside.
  external: ['electron'],
};

await rm(path.join(root, 'out'), { recursive: true, force: true });

if (watch) {
  const contexts = await Promise.all([esbuild.context(main), esbuild.context(preload)]);
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  const results = await Promise.all([esbuild.build({ ...main, metafile: true }), esbuild.build(preload)]);
  assertHostIsLazy(results[0].metafile);
  await assertExternalsShip(results[0].metafile);
}

/**
 * mediasoup reads MEDIASOUP_WORKER_BIN when it loads; if it ever became a static import of the
 * entry chunk, the packaged app would look for the worker inside app.asar and fail to host.
 */
function assertHostIsLazy(metafile) {
  const outputs = metafile.outputs;
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { path: target, kind, external } of outputs[file]?.imports ?? []) {
      if (kind !== 'import-statement') continue;
      if (external && target === 'mediasoup') {
        throw new Error(`build: ${file} statically imports mediasoup; electron/host must be imported lazily`);
      }
      if (!external) visit(target);
    }
  };
  const entry = Object.keys(outputs).find((file) => file.endsWith('out/main/index.mjs'));
  if (!entry) throw new Error('build: out/main/index.mjs missing');
  visit(entry);
}

/** electron-builder ships `dependencies` only: an external that is a devDependency would be missing. */
async function assertExternalsShip(metafile) {
  const { dependencies = {} } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
  const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
  const missing = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path: specifier, external } of output.imports) {
      if (!external || specifier.startsWith('node:') || builtinModules.includes(specifier) || specifier === 'electron') continue;
      if (!(packageOf(specifier) in dependencies)) missing.add(packageOf(specifier));
    }
  }
  if (missing.size > 0) throw new Error(`build: main needs ${[...missing].join(', ')} at run time; move to "dependencies"`);
}
