import * as v from 'valibot';
import type { MetricDefinitionRow } from '../db/tables.js';
import type { SeedFile, SeedFiles } from './seed-data.files.js';
import type { SeedPlan } from './seed-data.plan.js';
import { SeedReader, type DocumentContext } from './seed-data.reader.js';
import {
  readActivities,
  readHonors,
  readMetricValues,
  readOrganizations,
  readProgrammes,
} from './seed-data.records.js';
import { DocumentFile, DocumentHeader, Metric } from './seed-data.schema.js';
import { SeedProblems } from './seed-schema.js';
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
  const problems = new SeedProblems();
  const metrics = readMetrics(files.metrics, problems);
  const reader = new SeedReader(problems, new Map(metrics.map((metric) => [metric.code, metric])));
  const plan: SeedPlan = {
    metrics,
    organizations: [],
    documents: [],
    programmes: [],
    activities: [],
    metricValues: [],
    honors: [],
    workPlans: [],
    liaisonAssignments: [],
  };
  const { codes, keys, declared, treeRoots, activityRefs, programmeRefs } = reader;

  for (const file of files.documents) {
    const lists = problems.read(DocumentFile, file, file.content);
    if (!lists) continue;
    const header = problems.read(DocumentHeader, file, lists.document, ['document']);
    // The records are read even under a faulty header, so that their faults are told too.
    const document: DocumentContext = {
      file,
      key: header?.key ?? '',
      issuer: header?.issuer ?? null,
      read: header !== null,
    };
    if (header) {
      reader.uniqueKey(file, ['document'], 'document', header.key);
      if (header.issuer) reader.reference(file, ['document', 'issuer'], header.issuer);
      plan.documents.push({
        key: header.key,
        title: header.title,
        kind: header.kind,
        number: header.number,
        issuer: header.issuer,
        publisher: header.publisher,
        author: header.author,
        dateText: header.date?.canonical ?? null,
        dateStart: header.date?.start ?? null,
        sourceFile: header.file,
      });
    }
    readOrganizations(reader, plan, document, lists);
    readMetricValues(reader, plan, document, lists);
    readProgrammes(reader, plan, document, lists);
    readActivities(reader, plan, document, lists);
    readHonors(reader, plan, document, lists);
    readWorkPlans(reader, plan, document, lists);
    readLiaisonAssignments(reader, plan, document, lists);
  }

  // Cross-references, now that every file has been read.
  const activityKeys = new Set([
    ...plan.activities.map((activity) => activity.key),
    ...reader.unreadKeys('activities'),
  ]);
  for (const [key, at] of activityRefs) {
    if (!activityKeys.has(key)) problems.addAt(at, `no activity has key "${key}"`);
  }
  const programmeKeys = new Set([
    ...plan.programmes.map((programme) => programme.key),
    ...reader.unreadKeys('programmes'),
  ]);
  for (const [key, at] of programmeRefs) {
    if (!programmeKeys.has(key)) problems.addAt(at, `no programme has key "${key}"`);
  }
  // A key the seeds do not declare may still name a unit the tree itself holds (national).
  const unreadUnits = reader.unreadKeys('organizations');
  const undeclared = [...keys.keys()].filter((key) => !declared.has(key) && !unreadUnits.has(key));
  const found = await inTree([...codes.keys()], [...undeclared, ...treeRoots.keys()]);
  for (const [key, at] of keys) {
    if (declared.has(key) || unreadUnits.has(key) || found.keys.has(key)) continue;
    problems.addAt(at, `"${key}" is not declared under organizations: of any file`);
  }
  for (const [key, at] of treeRoots) {
    if (!found.keys.has(key)) {
      problems.addAt(at, `"${key}" has no parent, but the tree holds no unit with that key`);
    }
  }
  for (const [code, at] of codes) {
    if (!found.codes.has(code)) {
      problems.addAt(at, `no organization in the tree has division code ${code}`);
    }
  }
  for (const cycle of parentCycles(plan.organizations)) {
    const at = declared.get(cycle)!;
    problems.addAt(at, `"${cycle}" is its own ancestor`);
  }

  problems.throwIfAny();
  return plan;
}

function readMetrics(file: SeedFile, problems: SeedProblems): MetricDefinitionRow[] {
  const list = problems.read(
    v.array(v.unknown(), 'must be a list of metric definitions'),
    file,
    file.content,
  );
  const metrics: MetricDefinitionRow[] = [];
  (list ?? []).forEach((value, index) => {
    const metric = problems.read(Metric, file, value, [index]);
    if (!metric) return;
    const at = (...steps: string[]) => [index, ...steps];
    if (metrics.some((known) => known.code === metric.code))
      problems.add(file, at('code'), `duplicate metric "${metric.code}"`);
    if ((metric.unit === 'PERCENT') !== (metric.value_type === 'PERCENT')) {
      problems.add(
        file,
        at('value_type'),
        'a PERCENT unit goes with the PERCENT value type, and only with it',
      );
    }
    const { ratio } = metric;
    if (metric.aggregation.tree === 'RATIO' && ratio === null) {
      problems.add(file, at('ratio'), 'a RATIO metric needs { numerator, denominator, factor }');
    } else if (metric.aggregation.tree !== 'RATIO' && ratio !== null) {
      problems.add(
        file,
        at('ratio'),
        'only a metric aggregated as RATIO over the tree has a ratio',
      );
    }
    metrics.push({
      code: metric.code,
      name_zh: metric.name_zh,
      name_en: metric.name_en,
      description: metric.description,
      unit: metric.unit,
      value_type: metric.value_type,
      time_aggregation: metric.aggregation.time,
      tree_aggregation: metric.aggregation.tree,
      numerator_code: ratio?.numerator ?? null,
      denominator_code: ratio?.denominator ?? null,
      factor: ratio?.factor ?? null,
    });
  });
  const codes = new Set(metrics.map((metric) => metric.code));
  metrics.forEach((metric, index) => {
    for (const [field, code] of [
      ['numerator', metric.numerator_code],
      ['denominator', metric.denominator_code],
    ] as const) {
      if (code !== null && !codes.has(code))
        problems.add(file, [index, 'ratio', field], `no metric "${code}"`);
    }
  });
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
