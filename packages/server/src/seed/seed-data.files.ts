import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { UserError } from '../errors.js';

/** One parsed seed file: its path relative to the seeds directory, and its content. */
export interface SeedFile {
  path: string;
  content: unknown;
}

export interface SeedFiles {
  metrics: SeedFile;
  documents: SeedFile[];
}

/** A fault in the seed data: which file, where in it, and why. */
export interface SeedProblem {
  file: string;
  path: string;
  reason: string;
}

/**
 * Thrown when the seed data cannot be loaded: BAD_USER_INPUT naming every faulty record,
 * the first in the message and all of them in `extensions.problems`.
 */
export class SeedDataError extends UserError {
  readonly problems: SeedProblem[];

  constructor(problems: SeedProblem[]) {
    const [first] = problems;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : '';
    super('BAD_USER_INPUT', `${describeProblem(first!)}${more}`, {
      field: `${first!.file}#${first!.path}`,
      problems,
    });
    this.problems = problems;
  }
}

export function describeProblem(problem: SeedProblem): string {
  return `${problem.file}: ${problem.path ? `${problem.path}: ` : ''}${problem.reason}`;
}

/**
 * Reads seeds/metrics.yaml and every seeds/documents/*.yaml, in name order. YAML syntax
 * errors are reported like any other problem, all files at once.
 */
export async function readSeedFiles(directory: string): Promise<SeedFiles> {
  const problems: SeedProblem[] = [];
  const read = async (path: string): Promise<SeedFile> => {
    const text = await readFile(join(directory, path), 'utf8');
    const document = parseDocument(text, { uniqueKeys: true });
    for (const error of document.errors) {
      const line = error.linePos?.[0];
      problems.push({
        file: path,
        path: line ? `line ${line.line}` : '',
        reason: `YAML: ${error.message.split('\n')[0]}`,
      });
    }
    return { path, content: document.toJS() };
  };
  const names = (await readdir(join(directory, 'documents')))
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort();
  const metrics = await read('metrics.yaml');
  const documents = await Promise.all(names.map((name) => read(`documents/${name}`)));
  if (problems.length > 0) throw new SeedDataError(problems);
  return { metrics, documents };
}
