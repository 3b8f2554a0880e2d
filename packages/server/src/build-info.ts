import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Which build of the server is running, as `/metrics` reports it. */
export interface BuildInfo {
  /** The server package's version. */
  version: string;
  /** The git commit it was built from, or 'unknown' outside a git checkout. */
  commit: string;
}

let cached: BuildInfo | undefined;

/** The running build, read once per process. */
export function buildInfo(): BuildInfo {
  cached ??= { version: packageVersion(), commit: gitCommit() };
  return cached;
}

// The package root is one level up from both src/ and dist/.
const packageRoot = fileURLToPath(new URL('..', import.meta.url));

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(`${packageRoot}package.json`, 'utf8')) as {
    version?: string;
  };
  return manifest.version ?? 'unknown';
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: packageRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2_000,
    }).trim();
  } catch {
    // Deployed without its .git (or without git): the version alone names the build.
    return 'unknown';
  }
}
