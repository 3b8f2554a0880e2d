import {
  ACTIVITY_KINDS,
  DOCUMENT_KINDS,
  METRIC_SCOPES,
  METRIC_UNITS,
  METRIC_VALUE_TYPES,
  ORGANIZATION_KINDS,
  ORGANIZATION_LEVELS,
  PROGRAMME_KINDS,
  QUALIFIERS,
  THEMES,
  TIME_AGGREGATIONS,
  TREE_AGGREGATIONS,
  type MetricDefinitionRow,
  type Qualifier,
} from '../db/tables.js';
import { UserError } from '../errors.js';
import { compareDecimal, isDecimal, normalizeDecimal } from '../lib/decimal.js';
import { validateAmount, validateMetricValue } from '../modules/metric/metric.validation.js';
import { parsePeriod, type Period } from '../period/period.js';
import {
  SeedDataError,
  type SeedFile,
  type SeedFiles,
  type SeedProblem,
} from './seed-data.files.js';
import type {
  OrgRef,
  PlannedActivity,
  PlannedItem,
  PlannedLiaisonAssignment,
  PlannedSection,
  PlannedTarget,
  PlannedWorkPlan,
  SeedPlan,
} from './seed-data.plan.js';

/** Which of these division codes and unit keys the database's tree already holds. */
export type TreeLookup = (
  codes: string[],
  keys: string[],
) => Promise<{ codes: Set<string>; keys: Set<string> }>;

const KEY = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/;
const CODE = /^[0-9]{2,12}$/;

/** Records a problem against the file and record being read. */
class Problems {
  readonly list: SeedProblem[] = [];
  add(file: string, path: string, reason: string): void {
    this.list.push({ file, path, reason });
  }
}

/** Reads the fields of one record, reporting missing, malformed and unknown ones. */
class Fields {
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

interface Reference {
  file: string;
  path: string;
}

/**
 * Checks every seed file completely before anything is written, and cross-references them:
 * metric codes, activity and programme keys, organization references (division codes must be
 * in the tree; keys must be declared under `organizations:` of some file). Throws one
 * SeedDataError listing every problem found, so a single bad record loads nothing.
 */
export async function validateSeeds(files: SeedFiles, inTree: TreeLookup): Promise<SeedPlan> {
  const problems = new Problems();
  const plan: SeedPlan = {
    metrics: readMetrics(files.metrics, problems),
    organizations: [],
    documents: [],
    programmes: [],
    activities: [],
    metricValues: [],
    honors: [],
    workPlans: [],
    liaisonAssignments: [],
  };
  const definitions = new Map(plan.metrics.map((metric) => [metric.code, metric]));
  const codes = new Map<string, Reference>();
  const keys = new Map<string, Reference>();
  const declared = new Map<string, Reference>();
  const treeRoots = new Map<string, Reference>();
  const activityRefs = new Map<string, Reference>();
  const programmeRefs = new Map<string, Reference>();
  const seen = new Map<string, Map<string, Reference>>();

  /** Reads an organization reference and remembers it for the cross-check. */
  const orgRef = (fields: Fields, field: string, value: unknown): OrgRef | null => {
    const at = { file: fields.file, path: fields.at(field) };
    if (typeof value === 'string' && CODE.test(value)) {
      if (!codes.has(value)) codes.set(value, at);
      return { code: value };
    }
    if (typeof value === 'string' && KEY.test(value)) {
      if (!keys.has(value)) keys.set(value, at);
      return { key: value };
    }
    fields.problem(
      field,
      `must be a division code in quotes ("4301") or the key of a declared unit, got ${JSON.stringify(value)}`,
    );
    return null;
  };
  const requiredOrg = (fields: Fields, field: string): OrgRef => {
    if (!fields.has(field)) {
      fields.problem(field, 'is required');
      return { code: '00' };
    }
    return orgRef(fields, field, fields.raw(field)) ?? { code: '00' };
  };
  const optionalOrg = (fields: Fields, field: string): OrgRef | null =>
    fields.has(field) ? orgRef(fields, field, fields.raw(field)) : null;
  /** A key must be unique among the records of its kind, across all files. */
  const uniqueKey = (fields: Fields, kind: string, key: string): void => {
    const table = seen.get(kind) ?? new Map<string, Reference>();
    seen.set(kind, table);
    const first = table.get(key);
    if (first)
      fields.problem(
        'key',
        `duplicate ${kind} key "${key}" (first in ${first.file} at ${first.path})`,
      );
    else table.set(key, { file: fields.file, path: fields.path });
  };
  const requiredKey = (fields: Fields, kind: string): string => {
    const key = fields.text('key');
    if (key && !KEY.test(key)) fields.problem('key', `"${key}" is not a key (lowercase, dotted)`);
    if (key) uniqueKey(fields, kind, key);
    return key;
  };
  const themes = (fields: Fields): string[] =>
    fields.list('themes').flatMap((theme) => {
      if (typeof theme === 'string' && (THEMES as readonly string[]).includes(theme))
        return [theme];
      fields.problem(
        'themes',
        `unknown theme ${JSON.stringify(theme)}; themes are ${THEMES.join(', ')}`,
      );
      return [];
    });

  for (const file of files.documents) {
    if (file.content === null || typeof file.content !== 'object' || Array.isArray(file.content)) {
      problems.add(
        file.path,
        '',
        'must be a mapping with document, organizations, metric_values, …',
      );
      continue;
    }
    const root = new Fields(problems, file.path, '', file.content as Record<string, unknown>, [
      'document',
      'organizations',
      'metric_values',
      'activities',
      'programmes',
      'honors',
      'work_plans',
      'liaison_assignments',
    ]);
    const documentFields = root.has('document')
      ? new Fields(
          problems,
          file.path,
          'document',
          root.raw('document') as Record<string, unknown>,
          [
            'key',
            'file',
            'title',
            'kind',
            'number',
            'issuer',
            'publisher',
            'author',
            'date',
            'quote',
            'note',
          ],
        )
      : null;
    if (!documentFields) {
      root.problem('document', 'is required');
      continue;
    }
    const documentKey = requiredKey(documentFields, 'document');
    const date = documentFields.period('date');
    if (date && date.type !== 'YEAR' && date.type !== 'MONTH' && date.type !== 'DAY') {
      documentFields.problem('date', 'must be a year, a month or a day');
    }
    documentFields.text('quote');
    const issuer = optionalOrg(documentFields, 'issuer');
    plan.documents.push({
      key: documentKey,
      title: documentFields.text('title'),
      kind: documentFields.oneOf('kind', DOCUMENT_KINDS),
      number: documentFields.optionalText('number'),
      issuer,
      publisher: documentFields.optionalText('publisher'),
      author: documentFields.optionalText('author'),
      dateText: date?.canonical ?? null,
      dateStart: date?.start ?? null,
      sourceFile: documentFields.text('file'),
    });
    const provenance = (fields: Fields) => ({ document: documentKey, quote: fields.text('quote') });

    root.list('organizations').forEach((value, index) => {
      const fields = root.child('organizations', index, value, [
        'name',
        'org',
        'key',
        'full_name',
        'corrected',
        'kind',
        'level',
        'parent',
        'quote',
        'unresolved',
        'note',
      ]);
      if (!fields) return;
      const name = fields.text('name');
      fields.text('quote');
      if (fields.has('key')) {
        const key = requiredKey(fields, 'organization');
        declared.set(key, { file: fields.file, path: fields.path });
        if (fields.has('org')) fields.problem('org', 'a declared unit (with key) has no org');
        const kind = fields.oneOf('kind', ORGANIZATION_KINDS);
        const level = fields.oneOf('level', ORGANIZATION_LEVELS);
        if (!fields.has('parent')) {
          // A unit with no parent is a root: the tree's own (national), declared so that
          // documents can name it. It must already be there; the seeds never add or change it.
          treeRoots.set(key, { file: fields.file, path: fields.at('key') });
          return;
        }
        plan.organizations.push({
          key,
          name: fields.optionalText('full_name') ?? fields.optionalText('corrected') ?? name,
          kind,
          level,
          parent: requiredOrg(fields, 'parent'),
        });
      } else if (fields.has('org')) {
        orgRef(fields, 'org', fields.raw('org'));
      } else if (!fields.optionalText('unresolved')) {
        fields.problem(
          'org',
          'is required: a division code, a key, or null with the reason in unresolved',
        );
      }
    });

    root.list('metric_values').forEach((value, index) => {
      const fields = root.child('metric_values', index, value, [
        'org',
        'metric',
        'period',
        'as_of',
        'scope',
        'value',
        'unit',
        'wording',
        'qualifier',
        'quote',
        'activity',
        'note',
      ]);
      if (!fields) return;
      const org = requiredOrg(fields, 'org');
      const metric = fields.text('metric');
      const input = {
        metric,
        period: fields.text('period'),
        value: fields.decimal('value'),
        unit: fields.optionalText('unit', true),
        asOf: fields.optionalText('as_of'),
      };
      const valid = fields.guard('', () => validateMetricValue(definitions.get(metric), input, ''));
      const activity = fields.optionalText('activity');
      if (activity) activityRefs.set(activity, { file: fields.file, path: fields.at('activity') });
      const scope = fields.oneOf('scope', METRIC_SCOPES);
      if (!valid) return;
      const orgText = 'code' in org ? org.code : org.key;
      const key = [
        documentKey,
        orgText,
        metric,
        valid.period.canonical,
        valid.asOf ?? '',
        scope,
        activity ?? '',
      ].join('|');
      uniqueKey(fields, 'metric value', key);
      plan.metricValues.push({
        ...provenance(fields),
        key,
        org,
        metric,
        period: valid.period,
        asOf: valid.asOf,
        value: valid.value,
        unit: valid.unit,
        wording: fields.optionalText('wording'),
        qualifier: fields.oneOf('qualifier', QUALIFIERS, 'EXACT'),
        scope,
        aggregatable: valid.aggregatable,
        activity,
      });
    });

    root.list('programmes').forEach((value, index) => {
      const fields = root.child('programmes', index, value, [
        'key',
        'org',
        'name',
        'corrected',
        'kind',
        'themes',
        'quote',
        'note',
      ]);
      if (!fields) return;
      plan.programmes.push({
        ...provenance(fields),
        key: requiredKey(fields, 'programme'),
        org: requiredOrg(fields, 'org'),
        name: fields.text('name'),
        correctedName: fields.optionalText('corrected'),
        kind: fields.oneOf('kind', PROGRAMME_KINDS),
        themes: themes(fields),
      });
    });

    root.list('activities').forEach((value, index) => {
      const fields = root.child('activities', index, value, [
        'key',
        'org',
        'co_organizers',
        'title',
        'corrected',
        'description',
        'kind',
        'period',
        'lead_department',
        'programme',
        'themes',
        'annex',
        'sequence',
        'quote',
        'note',
      ]);
      if (!fields) return;
      const programme = fields.optionalText('programme');
      if (programme)
        programmeRefs.set(programme, { file: fields.file, path: fields.at('programme') });
      const activity: PlannedActivity = {
        ...provenance(fields),
        key: requiredKey(fields, 'activity'),
        org: requiredOrg(fields, 'org'),
        coOrganizers: fields
          .list('co_organizers')
          .flatMap((ref) => orgRef(fields, 'co_organizers', ref) ?? []),
        title: fields.text('title'),
        correctedTitle: fields.optionalText('corrected'),
        description: fields.optionalText('description'),
        kind: fields.oneOf('kind', ACTIVITY_KINDS),
        period: fields.period('period'),
        leadDepartment: optionalOrg(fields, 'lead_department'),
        programme,
        themes: themes(fields),
        annex: fields.optionalText('annex'),
        sequence: fields.optionalInteger('sequence'),
      };
      plan.activities.push(activity);
    });

    root.list('honors').forEach((value, index) => {
      const fields = root.child('honors', index, value, [
        'key',
        'recipient',
        'title',
        'corrected',
        'awarded_by',
        'period',
        'quote',
        'note',
      ]);
      if (!fields) return;
      // The awarding body is a unit when written as a code or key, else its name as written.
      const awardedBy = fields.optionalText('awarded_by');
      const isReference = awardedBy !== null && (CODE.test(awardedBy) || KEY.test(awardedBy));
      plan.honors.push({
        ...provenance(fields),
        key: requiredKey(fields, 'honor'),
        recipient: requiredOrg(fields, 'recipient'),
        title: fields.text('title'),
        correctedTitle: fields.optionalText('corrected'),
        awardedBy: isReference ? orgRef(fields, 'awarded_by', awardedBy) : null,
        awardedByName: isReference ? null : awardedBy,
        period: fields.period('period'),
      });
    });

    root.list('work_plans').forEach((value, index) => {
      const fields = root.child('work_plans', index, value, [
        'key',
        'org',
        'period',
        'title',
        'quote',
        'sections',
        'note',
      ]);
      if (!fields) return;
      const period = fields.period('period');
      if (!fields.has('period')) fields.problem('period', 'is required');
      const plan_: PlannedWorkPlan = {
        ...provenance(fields),
        key: requiredKey(fields, 'work plan'),
        org: requiredOrg(fields, 'org'),
        title: fields.text('title'),
        period: period ?? parsePeriod('2000'),
        sections: fields.list('sections', true).flatMap((section, sectionIndex) => {
          const sectionFields = fields.child('sections', sectionIndex, section, [
            'number',
            'title',
            'quote',
            'items',
            'note',
          ]);
          if (!sectionFields) return [];
          const planned: PlannedSection = {
            number: sectionFields.text('number'),
            title: sectionFields.text('title'),
            quote: sectionFields.text('quote'),
            items: sectionFields.list('items').flatMap((item, itemIndex) => {
              const itemFields = sectionFields.child('items', itemIndex, item, [
                'number',
                'title',
                'corrected',
                'quote',
                'lead_department',
                'targets',
                'note',
              ]);
              if (!itemFields) return [];
              const plannedItem: PlannedItem = {
                number: itemFields.text('number'),
                title: itemFields.text('title'),
                correctedTitle: itemFields.optionalText('corrected'),
                leadDepartment: optionalOrg(itemFields, 'lead_department'),
                quote: itemFields.text('quote'),
                targets: itemFields.list('targets').flatMap((target, targetIndex) => {
                  const targetFields = itemFields.child('targets', targetIndex, target, [
                    'metric',
                    'value',
                    'unit',
                    'wording',
                    'qualifier',
                    'quote',
                    'note',
                  ]);
                  if (!targetFields || !period) return [];
                  const planned = readTarget(targetFields, definitions, period.canonical);
                  return planned ? [planned] : [];
                }),
              };
              return [plannedItem];
            }),
          };
          return [planned];
        }),
      };
      plan.workPlans.push(plan_);
    });

    root.list('liaison_assignments').forEach((value, index) => {
      const fields = root.child('liaison_assignments', index, value, [
        'key',
        'org',
        'leader',
        'counties',
        'liaisons',
        'note',
        'quote',
      ]);
      if (!fields) return;
      const leader = fields.text('leader');
      // The assigning federation is the document's issuer unless the record names another.
      const org = fields.has('org') ? requiredOrg(fields, 'org') : issuer;
      if (!org) fields.problem('org', 'is required when the document has no issuer');
      const key = fields.optionalText('key') ?? `${documentKey}#${leader}`;
      uniqueKey(fields, 'liaison assignment', key);
      const assignment: PlannedLiaisonAssignment = {
        ...provenance(fields),
        key,
        org: org ?? { code: '00' },
        leader,
        note: fields.optionalText('note'),
        counties: fields
          .list('counties', true)
          .flatMap((ref) => orgRef(fields, 'counties', ref) ?? []),
        liaisons: fields.list('liaisons').flatMap((liaison, liaisonIndex) => {
          const liaisonFields = fields.child('liaisons', liaisonIndex, liaison, ['name', 'phone']);
          if (!liaisonFields) return [];
          return [{ name: liaisonFields.text('name'), phone: liaisonFields.optionalText('phone') }];
        }),
      };
      plan.liaisonAssignments.push(assignment);
    });
  }

  // Cross-references, now that every file has been read.
  const activityKeys = new Set(plan.activities.map((activity) => activity.key));
  for (const [key, at] of activityRefs) {
    if (!activityKeys.has(key)) problems.add(at.file, at.path, `no activity has key "${key}"`);
  }
  const programmeKeys = new Set(plan.programmes.map((programme) => programme.key));
  for (const [key, at] of programmeRefs) {
    if (!programmeKeys.has(key)) problems.add(at.file, at.path, `no programme has key "${key}"`);
  }
  // A key the seeds do not declare may still name a unit the tree itself holds (national).
  const undeclared = [...keys.keys()].filter((key) => !declared.has(key));
  const found = await inTree([...codes.keys()], [...undeclared, ...treeRoots.keys()]);
  for (const key of undeclared) {
    if (found.keys.has(key)) continue;
    const at = keys.get(key)!;
    problems.add(at.file, at.path, `"${key}" is not declared under organizations: of any file`);
  }
  for (const [key, at] of treeRoots) {
    if (!found.keys.has(key)) {
      problems.add(
        at.file,
        at.path,
        `"${key}" has no parent, but the tree holds no unit with that key`,
      );
    }
  }
  for (const [code, at] of codes) {
    if (!found.codes.has(code)) {
      problems.add(at.file, at.path, `no organization in the tree has division code ${code}`);
    }
  }
  for (const cycle of parentCycles(plan.organizations)) {
    const at = declared.get(cycle)!;
    problems.add(at.file, at.path, `"${cycle}" is its own ancestor`);
  }

  if (problems.list.length > 0) throw new SeedDataError(problems.list);
  return plan;
}

function readMetrics(file: SeedFile, problems: Problems): MetricDefinitionRow[] {
  if (!Array.isArray(file.content)) {
    problems.add(file.path, '', 'must be a list of metric definitions');
    return [];
  }
  const root = new Fields(problems, file.path, '', {}, []);
  const metrics: MetricDefinitionRow[] = [];
  const ratios: { fields: Fields; numerator: string; denominator: string }[] = [];
  file.content.forEach((value, index) => {
    const fields = root.child('', index, value, [
      'code',
      'name_zh',
      'name_en',
      'description',
      'unit',
      'value_type',
      'aggregation',
      'ratio',
      'note',
    ]);
    if (!fields) return;
    const code = fields.text('code');
    if (code && !/^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(code)) {
      fields.problem(
        'code',
        `"${code}" is not a metric code (lowercase, dotted: training.sessions)`,
      );
    }
    if (metrics.some((metric) => metric.code === code))
      fields.problem('code', `duplicate metric "${code}"`);
    const aggregation = fields.raw('aggregation');
    const aggregationFields =
      aggregation && typeof aggregation === 'object'
        ? new Fields(
            problems,
            file.path,
            fields.at('aggregation'),
            aggregation as Record<string, unknown>,
            ['time', 'tree'],
          )
        : null;
    if (!aggregationFields) fields.problem('aggregation', 'is required: { time: …, tree: … }');
    const unit = fields.oneOf('unit', METRIC_UNITS);
    const valueType = fields.oneOf('value_type', METRIC_VALUE_TYPES);
    if ((unit === 'PERCENT') !== (valueType === 'PERCENT')) {
      fields.problem(
        'value_type',
        'a PERCENT unit goes with the PERCENT value type, and only with it',
      );
    }
    const tree = aggregationFields?.oneOf('tree', TREE_AGGREGATIONS) ?? 'NONE';
    const definition: MetricDefinitionRow = {
      code,
      name_zh: fields.text('name_zh'),
      name_en: fields.text('name_en'),
      description: fields.optionalText('description'),
      unit,
      value_type: valueType,
      time_aggregation: aggregationFields?.oneOf('time', TIME_AGGREGATIONS) ?? 'NONE',
      tree_aggregation: tree,
      numerator_code: null,
      denominator_code: null,
      factor: null,
    };
    const ratio = fields.raw('ratio');
    if (tree === 'RATIO') {
      if (!ratio || typeof ratio !== 'object') {
        fields.problem('ratio', 'a RATIO metric needs { numerator, denominator, factor }');
      } else {
        const ratioFields = new Fields(
          problems,
          file.path,
          fields.at('ratio'),
          ratio as Record<string, unknown>,
          ['numerator', 'denominator', 'factor'],
        );
        definition.numerator_code = ratioFields.text('numerator');
        definition.denominator_code = ratioFields.text('denominator');
        const factor = ratioFields.raw('factor');
        const factorText =
          typeof factor === 'number' && Number.isSafeInteger(factor) ? String(factor) : factor;
        if (
          typeof factorText !== 'string' ||
          !isDecimal(factorText) ||
          compareDecimal(factorText, '0') <= 0
        ) {
          ratioFields.problem(
            'factor',
            `must be a positive number such as 100, got ${JSON.stringify(factor)}`,
          );
        } else {
          definition.factor = normalizeDecimal(factorText);
        }
        ratios.push({
          fields: ratioFields,
          numerator: definition.numerator_code,
          denominator: definition.denominator_code,
        });
      }
    } else if (ratio !== undefined && ratio !== null) {
      fields.problem('ratio', 'only a metric aggregated as RATIO over the tree has a ratio');
    }
    metrics.push(definition);
  });
  const codes = new Set(metrics.map((metric) => metric.code));
  for (const { fields, numerator, denominator } of ratios) {
    if (numerator && !codes.has(numerator)) fields.problem('numerator', `no metric "${numerator}"`);
    if (denominator && !codes.has(denominator))
      fields.problem('denominator', `no metric "${denominator}"`);
  }
  return metrics;
}

function readTarget(
  fields: Fields,
  definitions: Map<string, MetricDefinitionRow>,
  period: string,
): PlannedTarget | null {
  const metric = fields.optionalText('metric');
  const value = fields.decimal('value');
  const unit = fields.oneOf('unit', METRIC_UNITS);
  const common = {
    wording: fields.optionalText('wording'),
    qualifier: fields.oneOf<Qualifier>('qualifier', QUALIFIERS, 'EXACT'),
    quote: fields.text('quote'),
  };
  if (metric !== null) {
    const valid = fields.guard('', () =>
      validateMetricValue(definitions.get(metric), { metric, period, value, unit }, ''),
    );
    return valid === null ? null : { ...common, metric, value: valid.value, unit: valid.unit };
  }
  // A target outside the catalogue is still held to the rules of its unit.
  const rules = {
    unit,
    value_type: unit === 'PERCENT' ? ('PERCENT' as const) : ('DECIMAL' as const),
  };
  const checked = fields.guard('value', () =>
    validateAmount(value, rules, `A target in ${unit}`, 'value'),
  );
  return checked === null ? null : { ...common, metric: null, value: checked, unit };
}

/** Declared units whose parent chain leads back to themselves. */
function parentCycles(organizations: SeedPlan['organizations']): string[] {
  const parents = new Map(
    organizations.map((unit) => [unit.key, 'key' in unit.parent ? unit.parent.key : null]),
  );
  return organizations
    .filter((unit) => {
      const visited = new Set<string>();
      let current: string | null | undefined = unit.key;
      while (current && !visited.has(current)) {
        visited.add(current);
        current = parents.get(current);
      }
      return current === unit.key;
    })
    .map((unit) => unit.key);
}
