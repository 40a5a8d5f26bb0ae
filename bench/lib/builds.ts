/**
 * Builds the browser pieces a bench needs into a private temp directory (never dist/, which the
 * e2e suite and other people's builds own): the Roundtable web app (vite) and the bare join page
 * (esbuild).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './common';

export async function buildRenderer(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-bench-web-'));
  const { build } = await import('vite');
  await build({
    configFile: path.join(repoRoot, 'vite.config.ts'),
    root: path.join(repoRoot, 'renderer'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
  return outDir;
}

export async function buildBarePage(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-bench-bare-'));
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'bench/bare/page.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    outfile: path.join(outDir, 'bare.js'),
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(repoRoot, 'bench/bare/page.html'), path.join(outDir, 'index.html'));
  return outDir;
}

export function removeDir(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
