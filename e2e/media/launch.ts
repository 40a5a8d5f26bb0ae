import { chromium, type Browser, type TestInfo } from '@playwright/test';

/**
 * A Chromium of its own for a test whose fake camera or microphone plays a file (those are
 * browser-wide switches), with the project's usual launch options.
 */
export async function launchWithFakeMedia(testInfo: TestInfo, files: { audio?: string; video?: string }, extraArgs: string[] = []): Promise<Browser> {
  const options = testInfo.project.use.launchOptions ?? {};
  const args = [...(options.args ?? []), ...extraArgs];
  if (files.audio) args.push(`--use-file-for-fake-audio-capture=${files.audio}`);
  if (files.video) args.push(`--use-file-for-fake-video-capture=${files.video}`);
  return chromium.launch({ ...options, args });
}
