import {
  DOCUMENT_KINDS,
  METRIC_UNITS,
  METRIC_VALUE_TYPES,
  TIME_AGGREGATIONS,
  TREE_AGGREGATIONS,
  type MetricDefinitionRow,
} from '../db/tables.js';
import { compareDecimal, isDecimal, normalizeDecimal } from '../lib/decimal.js';
import { SeedDataError, type SeedFile, type SeedFiles } from './seed-data.files.js';
import type { SeedPlan } from './seed-data.plan.js';

import { Fields, Problems, SeedReader, type DocumentContext } from './seed-data.fields.js';
import {
  readActivities,
  readHonors,
  readMetricValues,
  readOrganizations,
  readProgrammes,
} from './seed-data.records.js';
import { readLiaisonAssignments, readWorkPlans } from './seed-data.work-plans.js';

/** Which of these division codes and unit keys the database's tree already holds. */
export type TreeLookup = (
  codes: string[],
  keys: string[],
) => Promise<{ codes: Set<string>; keys: Set<string> }>;

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
  const reader = new SeedReader(
    problems,
    new Map(plan.metrics.map((metric) => [metric.code, metric])),
  );
  const { codes, keys, declared, treeRoots, activityRefs, programmeRefs } = reader;

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
    const documentKey = reader.requiredKey(documentFields, 'document');
    const date = documentFields.period('date');
    if (date && date.type !== 'YEAR' && date.type !== 'MONTH' && date.type !== 'DAY') {
      documentFields.problem('date', 'must be a year, a month or a day');
    }
    documentFields.text('quote');
    const issuer = reader.optionalOrg(documentFields, 'issuer');
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
    const document: DocumentContext = { key: documentKey, issuer, provenance };
    readOrganizations(reader, plan, document, root);
    readMetricValues(reader, plan, document, root);
    readProgrammes(reader, plan, document, root);
    readActivities(reader, plan, document, root);
    readHonors(reader, plan, document, root);
    readWorkPlans(reader, plan, document, root);
    readLiaisonAssignments(reader, plan, document, root);
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
