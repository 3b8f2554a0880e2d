import * as v from 'valibot';
import { UserError } from '../errors.js';
import { parsePeriod } from '../period/period.js';
import { SeedDataError, type SeedProblem } from './seed-data.files.js';

// The valibot pieces every seeder reads its files with, and the one place a position in a
// seed file is written out for a person: `organizations[2] (hunan.organ-committee).parent`.

/** Text that says something: a string that is not blank. */
export const Text = v.pipe(
  v.string('must be text'),
  v.check((value) => value.trim() !== '', 'must be text'),
);

/** A list of one or more texts. */
export const TextList = v.pipe(v.array(Text, 'must be a list'), v.minLength(1, 'must be a list'));

/** One of a closed set of codes. */
export function oneOf<const T extends readonly string[]>(allowed: T) {
  return v.picklist(allowed, `must be one of ${allowed.join(', ')}`);
}

/** Text as YAML may give it: an unquoted whole number (a year, a number) is read as its digits. */
export const Words = v.pipe(
  v.union([v.string(), v.pipe(v.number(), v.safeInteger(), v.transform(String))], 'must be text'),
  v.check((value) => value.trim() !== '', 'must be text'),
);

/** Words that may be left out or null. */
export const OptionalWords = v.nullish(Words, null);

/** A field a person may write for other people (a note): never read, any value. */
export const Unread = v.optional(v.unknown());

/** A whole number, written bare or in quotes. */
export const WholeNumber = v.union(
  [
    v.pipe(v.number(), v.safeInteger()),
    v.pipe(v.string(), v.regex(/^[0-9]+$/), v.transform(Number)),
  ],
  'must be a whole number',
);

/** An exact decimal written as a quoted string, so YAML never turns it into a float. */
export const QuotedDecimal = v.string(
  (issue) => `must be a quoted decimal string such as "2679", got ${issue.received}`,
);

/** A period as parsePeriod reads it ('2020', '2020Q1', '2020-05/2021-02'). */
export const PeriodText = v.pipe(
  Words,
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const period = refused(
      () => parsePeriod(dataset.value),
      (error) => addIssue({ message: error.message }),
    );
    return period ?? NEVER;
  }),
);

/**
 * Runs a check shared with the API (it throws UserError): its answer, or null once `refuse`
 * has been told the refusal. Any other error is not the input's fault and is thrown on.
 */
export function refused<T>(check: () => T, refuse: (error: UserError) => void): T | null {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    refuse(error);
    return null;
  }
}

/** A record with these fields and no others; each unknown field is a fault of its own. */
export function record<const E extends v.ObjectEntries>(entries: E) {
  return v.objectWithRest(entries, v.never('unknown field'), (issue) =>
    issue.expected === 'Object' ? 'must be a mapping' : 'is required',
  );
}

/** A position in a seed file: field names and list indexes, from the file's root. */
export type SeedPath = readonly (string | number)[];

/**
 * A position in a file, written for a person: `metric_values[3].period`, with the key of a
 * listed record that has one (`activities[2] (changsha.2020.lingtouyan-training).key`).
 */
export function describePath(content: unknown, path: SeedPath): string {
  let text = '';
  let node = content;
  for (const step of path) {
    node = isMapping(node) || Array.isArray(node) ? (node as Record<string, unknown>)[step] : null;
    if (typeof step === 'number') {
      const key = isMapping(node) ? node.key : undefined;
      text += `[${step}]${typeof key === 'string' ? ` (${key})` : ''}`;
    } else {
      text += text ? `.${step}` : step;
    }
  }
  return text;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One file's problems, each placed by its path in the file. */
export class SeedProblems {
  readonly list: SeedProblem[] = [];

  add(file: { path: string; content: unknown }, path: SeedPath, reason: string): void {
    this.addAt({ file: file.path, path: describePath(file.content, path) }, reason);
  }

  /** A problem at a place already described (a reference remembered while reading). */
  addAt(at: { file: string; path: string }, reason: string): void {
    this.list.push({ ...at, reason });
  }

  /**
   * Reads `value` (found at `path` in the file) against its schema: the typed output, or null
   * with every issue added as a problem.
   */
  read<const S extends v.GenericSchema>(
    schema: S,
    file: { path: string; content: unknown },
    value: unknown,
    path: SeedPath = [],
  ): v.InferOutput<S> | null {
    const result = v.safeParse(schema, value);
    if (result.success) return result.output;
    for (const issue of result.issues) {
      const steps = (issue.path ?? []).map((item) => item.key as string | number);
      this.add(file, [...path, ...steps], issue.message);
    }
    return null;
  }

  /** Throws the one SeedDataError of every seeder when any problem was found. */
  throwIfAny(): void {
    if (this.list.length > 0) throw new SeedDataError(this.list);
  }
}

/**
 * A seed file's content read against its schema: the typed records, or a SeedDataError (the
 * one error of every seeder) naming each faulty field by its path in the file.
 */
export function readSeed<const S extends v.GenericSchema>(
  schema: S,
  file: string,
  content: unknown,
): v.InferOutput<S> {
  const problems = new SeedProblems();
  const output = problems.read(schema, { path: file, content }, content);
  problems.throwIfAny();
  return output as v.InferOutput<S>;
}
