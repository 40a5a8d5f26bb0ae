import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module of the install script, without type declarations
import { sourceFixes } from '../../scripts/mediasoup-worker/source-fixes.mjs';

interface SourceFix {
  file: string;
  search: string;
  replace: string;
  fixed: RegExp;
  behaviour?: string;
}

const workerDir = path.resolve(import.meta.dirname, '../../node_modules/mediasoup/worker');
const fixes = sourceFixes as SourceFix[];

// The offline build fails when a fix no longer applies (mediasoup changed); this says so at once,
// without a five-minute build, and checks that an applied fix is recognised as applied.
describe("the mediasoup worker's source fixes", () => {
  it.each(fixes.map((fix, index) => [`${index + 1}. ${fix.file}`, fix] as const))('%s applies to the installed mediasoup once', (_name, fix) => {
    const text = fs.readFileSync(path.join(workerDir, fix.file), 'utf8');
    expect(text.split(fix.search).length - 1, 'the snippet to replace is there exactly once').toBe(1);
    expect(fix.fixed.test(text), 'the installed source is not already fixed').toBe(false);
    expect(fix.fixed.test(text.replace(fix.search, fix.replace)), 'once applied, the fix is recognised as applied').toBe(true);
  });

  it('leaves every edited file with balanced braces', () => {
    const edited = new Map<string, string>();
    for (const fix of fixes) {
      const text = edited.get(fix.file) ?? fs.readFileSync(path.join(workerDir, fix.file), 'utf8');
      edited.set(fix.file, text.replace(fix.search, fix.replace));
    }
    for (const [file, text] of edited) {
      expect([...text].filter((c) => c === '{').length, file).toBe([...text].filter((c) => c === '}').length);
    }
  });
});
