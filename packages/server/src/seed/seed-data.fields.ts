import { THEMES, type MetricDefinitionRow } from '../db/tables.js';
import { UserError } from '../errors.js';
import { parsePeriod, type Period } from '../period/period.js';
import { type SeedProblem } from './seed-data.files.js';
import type { OrgRef } from './seed-data.plan.js';

export const KEY = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/;
export const CODE = /^[0-9]{2,12}$/;

/** Records a problem against the file and record being read. */
export class Problems {
  readonly list: SeedProblem[] = [];
  add(file: string, path: string, reason: string): void {
    this.list.push({ file, path, reason });
  }
}

/** Reads the fields of one record, reporting missing, malformed and unknown ones. */
export class Fields {
  constructor(
    private readonly problems: Problems,
    readonly file: string,
    readonly path: string,
    private readonly record: Record<string, unknown>,
    allowed: readonly string[],
  ) {
    for (const field of Object.keys(record)) {
      if (!allowed.includes(field)) this.problem(field, `unknown field "${field}"`);
    }
  }

  at(field: string): string {
    return this.path ? `${this.path}.${field}` : field;
  }

  problem(field: string, reason: string): void {
    this.problems.add(this.file, this.at(field), reason);
  }

  has(field: string): boolean {
    return this.record[field] !== undefined && this.record[field] !== null;
  }

  raw(field: string): unknown {
    return this.record[field];
  }

  /** A non-empty string; a YAML number (an unquoted year) is read as its text. */
  text(field: string): string {
    return this.optionalText(field, true) ?? '';
  }

  optionalText(field: string, required = false): string | null {
    const value = this.record[field];
    if (value === undefined || value === null) {
      if (required) this.problem(field, 'is required');
      return null;
    }
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    if (typeof value !== 'string' || value.trim() === '') {
      this.problem(field, `must be a non-empty string, got ${JSON.stringify(value)}`);
      return null;
    }
    return value;
  }

  oneOf<T extends string>(field: string, values: readonly T[], fallback?: T): T {
    const value = this.record[field];
    if ((value === undefined || value === null) && fallback !== undefined) return fallback;
    if (typeof value === 'string' && (values as readonly string[]).includes(value))
      return value as T;
    this.problem(field, `must be one of ${values.join(', ')}, got ${JSON.stringify(value)}`);
    return values[0]!;
  }

  list(field: string, required = false): unknown[] {
    const value = this.record[field];
    if (value === undefined || value === null) {
      if (required) this.problem(field, 'is required');
      return [];
    }
    if (!Array.isArray(value)) {
      this.problem(field, 'must be a list');
      return [];
    }
    return value;
  }

  optionalInteger(field: string): number | null {
    const value = this.record[field];
    if (value === undefined || value === null) return null;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    if (typeof value === 'string' && /^[0-9]+$/.test(value)) return Number(value);
    this.problem(field, `must be a whole number, got ${JSON.stringify(value)}`);
    return null;
  }

  /** An exact decimal written as a quoted string, so YAML never turns it into a float. */
  decimal(field: string): string {
    const value = this.record[field];
    if (typeof value !== 'string') {
      this.problem(
        field,
        `must be a quoted decimal string such as "2679", got ${JSON.stringify(value)}`,
      );
      return '0';
    }
    return value;
  }

  period(field: string): Period | null {
    const text = this.optionalText(field);
    if (text === null) return null;
    return this.guard(field, () => parsePeriod(text, field));
  }

  /** Runs a check that throws UserError, turning its message into a problem of this field. */
  guard<T>(field: string, check: () => T): T | null {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      const named = error.extensions.field;
      const fieldPath = typeof named === 'string' && named !== '' ? named : field;
      this.problems.add(this.file, this.at(fieldPath), error.message);
      return null;
    }
  }

  child(field: string, index: number, value: unknown, allowed: readonly string[]): Fields | null {
    const path = `${this.at(field)}[${index}]`;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.problems.add(this.file, path, 'must be a mapping');
      return null;
    }
    const record = value as Record<string, unknown>;
    const label = typeof record.key === 'string' ? ` (${record.key})` : '';
    return new Fields(this.problems, this.file, `${path}${label}`, record, allowed);
  }
}

export interface Reference {
  file: string;
  path: string;
}

/** The document a record belongs to: its key, its issuer, and a record's provenance. */
export interface DocumentContext {
  key: string;
  issuer: OrgRef | null;
  provenance: (fields: Fields) => { document: string; quote: string };
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

  constructor(
    readonly problems: Problems,
    readonly definitions: Map<string, MetricDefinitionRow>,
  ) {}

  /** Reads an organization reference and remembers it for the cross-check. */
  orgRef(fields: Fields, field: string, value: unknown): OrgRef | null {
    const at = { file: fields.file, path: fields.at(field) };
    if (typeof value === 'string' && CODE.test(value)) {
      if (!this.codes.has(value)) this.codes.set(value, at);
      return { code: value };
    }
    if (typeof value === 'string' && KEY.test(value)) {
      if (!this.keys.has(value)) this.keys.set(value, at);
      return { key: value };
    }
    fields.problem(
      field,
      `must be a division code in quotes ("4301") or the key of a declared unit, got ${JSON.stringify(value)}`,
    );
    return null;
  }
  requiredOrg(fields: Fields, field: string): OrgRef {
    if (!fields.has(field)) {
      fields.problem(field, 'is required');
      return { code: '00' };
    }
    return this.orgRef(fields, field, fields.raw(field)) ?? { code: '00' };
  }
  optionalOrg(fields: Fields, field: string): OrgRef | null {
    return fields.has(field) ? this.orgRef(fields, field, fields.raw(field)) : null;
  }
  /** A key must be unique among the records of its kind, across all files. */
  uniqueKey(fields: Fields, kind: string, key: string): void {
    const table = this.seen.get(kind) ?? new Map<string, Reference>();
    this.seen.set(kind, table);
    const first = table.get(key);
    if (first)
      fields.problem(
        'key',
        `duplicate ${kind} key "${key}" (first in ${first.file} at ${first.path})`,
      );
    else table.set(key, { file: fields.file, path: fields.path });
  }
  requiredKey(fields: Fields, kind: string): string {
    const key = fields.text('key');
    if (key && !KEY.test(key)) fields.problem('key', `"${key}" is not a key (lowercase, dotted)`);
    if (key) this.uniqueKey(fields, kind, key);
    return key;
  }
  themes(fields: Fields): string[] {
    return fields.list('themes').flatMap((theme) => {
      if (typeof theme === 'string' && (THEMES as readonly string[]).includes(theme))
        return [theme];
      fields.problem(
        'themes',
        `unknown theme ${JSON.stringify(theme)}; themes are ${THEMES.join(', ')}`,
      );
      return [];
    });
  }
}
