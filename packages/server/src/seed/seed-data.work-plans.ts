import {
  METRIC_UNITS,
  QUALIFIERS,
  type MetricDefinitionRow,
  type Qualifier,
} from '../db/tables.js';
import { validateAmount, validateMetricValue } from '../modules/metric/metric.validation.js';
import { parsePeriod } from '../period/period.js';
import type {
  PlannedItem,
  PlannedLiaisonAssignment,
  PlannedSection,
  PlannedTarget,
  PlannedWorkPlan,
  SeedPlan,
} from './seed-data.plan.js';

import { type DocumentContext, type Fields, type SeedReader } from './seed-data.fields.js';

export function readWorkPlans(
  reader: SeedReader,
  plan: SeedPlan,
  document: DocumentContext,
  root: Fields,
): void {
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
      ...document.provenance(fields),
      key: reader.requiredKey(fields, 'work plan'),
      org: reader.requiredOrg(fields, 'org'),
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
              leadDepartment: reader.optionalOrg(itemFields, 'lead_department'),
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
                const planned = readTarget(targetFields, reader.definitions, period.canonical);
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
}

export function readLiaisonAssignments(
  reader: SeedReader,
  plan: SeedPlan,
  document: DocumentContext,
  root: Fields,
): void {
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
    const org = fields.has('org') ? reader.requiredOrg(fields, 'org') : document.issuer;
    if (!org) fields.problem('org', 'is required when the document has no issuer');
    const key = fields.optionalText('key') ?? `${document.key}#${leader}`;
    reader.uniqueKey(fields, 'liaison assignment', key);
    const assignment: PlannedLiaisonAssignment = {
      ...document.provenance(fields),
      key,
      org: org ?? { code: '00' },
      leader,
      note: fields.optionalText('note'),
      counties: fields
        .list('counties', true)
        .flatMap((ref) => reader.orgRef(fields, 'counties', ref) ?? []),
      liaisons: fields.list('liaisons').flatMap((liaison, liaisonIndex) => {
        const liaisonFields = fields.child('liaisons', liaisonIndex, liaison, ['name', 'phone']);
        if (!liaisonFields) return [];
        return [{ name: liaisonFields.text('name'), phone: liaisonFields.optionalText('phone') }];
      }),
    };
    plan.liaisonAssignments.push(assignment);
  });
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
