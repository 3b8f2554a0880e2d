import type * as v from 'valibot';
import type { MetricDefinitionRow } from '../db/tables.js';
import type { SeedFile } from './seed-data.files.js';
import type { OrgRef, Provenance } from './seed-data.plan.js';
import {
  describePath,
  isMapping,
  refused,
  type SeedPath,
  type SeedProblems,
} from './seed-schema.js';

/** Where something stands in the seeds: its file and its path there, as a person reads it. */
export interface Reference {
  file: string;
  path: string;
}

/** The document a record belongs to: its file, key and issuer. */
export interface DocumentContext {
  file: SeedFile;
  key: string;
  issuer: OrgRef | null;
  /** False when the document's header did not fit its schema (its key and issuer are unknown). */
  read: boolean;
}

/**
 * What reading the seed files remembers across records and files: the problems found, the
 * metric catalogue, and every reference to check once all files are read.
 */
export class SeedReader {
  readonly codes = new Map<string, Reference>();
  readonly keys = new Map<string, Reference>();
  readonly declared = new Map<string, Reference>();
  readonly treeRoots = new Map<string, Reference>();
  readonly activityRefs = new Map<string, Reference>();
  readonly programmeRefs = new Map<string, Reference>();
  private readonly seen = new Map<string, Map<string, Reference>>();
  private readonly unread = new Map<string, Set<string>>();

  constructor(
    readonly problems: SeedProblems,
    readonly definitions: Map<string, MetricDefinitionRow>,
  ) {}

  at(file: SeedFile, path: SeedPath): Reference {
    return { file: file.path, path: describePath(file.content, path) };
  }

  problem(file: SeedFile, path: SeedPath, reason: string): void {
    this.problems.add(file, path, reason);
  }

  /** Reads each record of a list against its schema, and hands on the ones that fit. */
  records<S extends v.GenericSchema>(
    document: DocumentContext,
    list: string,
    values: unknown[],
    schema: S,
    read: (record: v.InferOutput<S>, at: RecordAt) => void,
  ): void {
    values.forEach((value, index) => {
      const path = [list, index];
      const record = this.problems.read(schema, document.file, value, path);
      if (record !== null) read(record, new RecordAt(this, document, path));
      else if (isMapping(value) && typeof value.key === 'string')
        this.unreadKeys(list).add(value.key);
    });
  }

  /**
   * The keys of a list's records that did not fit their schema: their faults are told, so a
   * reference to one is not told again as a reference to nothing.
   */
  unreadKeys(list: string): Set<string> {
    const keys = this.unread.get(list) ?? new Set<string>();
    this.unread.set(list, keys);
    return keys;
  }

  /** Remembers an organization reference (the first place it stands) for the cross-check. */
  reference(file: SeedFile, path: SeedPath, ref: OrgRef): OrgRef {
    const [table, name] = 'code' in ref ? [this.codes, ref.code] : [this.keys, ref.key];
    if (!table.has(name)) table.set(name, this.at(file, path));
    return ref;
  }

  /** A key must be unique among the records of its kind, across all files. */
  uniqueKey(file: SeedFile, record: SeedPath, kind: string, key: string): void {
    const table = this.seen.get(kind) ?? new Map<string, Reference>();
    this.seen.set(kind, table);
    const first = table.get(key);
    if (first) {
      this.problem(
        file,
        [...record, 'key'],
        `duplicate ${kind} key "${key}" (first in ${first.file} at ${first.path})`,
      );
    } else table.set(key, this.at(file, record));
  }

  /**
   * Runs a check that throws UserError, turning its message into a problem of the field it
   * names (below `path`), or of `path` itself.
   */
  guard<T>(file: SeedFile, path: SeedPath, check: () => T): T | null {
    return refused(check, (error) => {
      const named = error.extensions.field;
      const at = typeof named === 'string' && named !== '' ? [...path, named] : path;
      this.problem(file, at, error.message);
    });
  }
}

/** One record being read: where it stands, and the reader's checks placed at its fields. */
export class RecordAt {
  constructor(
    readonly reader: SeedReader,
    readonly document: DocumentContext,
    readonly path: SeedPath,
  ) {}

  /** A record listed under this one (a work plan's section, a section's item). */
  child(list: string, index: number): RecordAt {
    return new RecordAt(this.reader, this.document, [...this.path, list, index]);
  }

  /** Where a field of this record stands, as a person reads it. */
  place(...steps: SeedPath): Reference {
    return this.reader.at(this.document.file, [...this.path, ...steps]);
  }

  problem(field: string, reason: string): void {
    this.reader.problem(this.document.file, [...this.path, field], reason);
  }

  /** An organization this record names at a field, remembered for the cross-check. */
  reference(ref: OrgRef, ...steps: SeedPath): OrgRef {
    return this.reader.reference(this.document.file, [...this.path, ...steps], ref);
  }

  optionalReference(ref: OrgRef | null, field: string): OrgRef | null {
    return ref === null ? null : this.reference(ref, field);
  }

  unique(kind: string, key: string): void {
    this.reader.uniqueKey(this.document.file, this.path, kind, key);
  }

  /**
   * A record with its own key: the key, unique among the records of its kind, and the
   * record's provenance (its document and the quoted fragment).
   */
  sourced(kind: string, { key, quote }: { key: string; quote: string }): Provenance {
    this.unique(kind, key);
    return { key, document: this.document.key, quote };
  }

  guard<T>(check: () => T): T | null {
    return this.reader.guard(this.document.file, this.path, check);
  }
}
