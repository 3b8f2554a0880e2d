import * as v from 'valibot';
import { SeedDataError } from './seed-data.files.js';

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

/**
 * A seed file's content read against its schema: the typed records, or a SeedDataError (the
 * one error of every seeder) naming each faulty field by its path in the file.
 */
export function readSeed<const S extends v.GenericSchema>(
  schema: S,
  file: string,
  content: unknown,
): v.InferOutput<S> {
  const result = v.safeParse(schema, content);
  if (result.success) return result.output;
  throw new SeedDataError(
    result.issues.map((issue) => ({
      file,
      path: v.getDotPath(issue) ?? '',
      reason: issue.message,
    })),
  );
}
