import { execFile, execFileSync } from 'node:child_process';

/** The lab's failure: the command, its exit and what it printed, so a broken step says which. */
export class LabCommandError extends Error {
  constructor(
    readonly command: string,
    readonly stderr: string,
  ) {
    super(`lab: \`${command}\` failed: ${stderr.trim() || 'no output'}`);
    this.name = 'LabCommandError';
  }
}

/** Runs a command (no shell), resolves with stdout; rejects with LabCommandError. */
export function run(file: string, args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: options.timeoutMs ?? 15_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new LabCommandError([file, ...args].join(' '), stderr || error.message));
      else resolve(stdout);
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Synchronous form for teardown in `exit` handlers, where nothing asynchronous runs any more. */
export function runSync(file: string, args: string[]): string | undefined {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  } catch {
    return undefined;
  }
}

/** A command inside a namespace: `ip netns exec <ns> <file> <args>`. */
export function inNamespace(namespace: string, file: string, args: string[], options: { input?: string } = {}): Promise<string> {
  return run('ip', ['netns', 'exec', namespace, file, ...args], options);
}
