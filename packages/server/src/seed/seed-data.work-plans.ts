import { validateAmount, validateMetricValue } from '../modules/metric/metric.validation.js';
import type { Period } from '../period/period.js';
import type { PlannedTarget, SeedPlan } from './seed-data.plan.js';
import type { DocumentContext, RecordAt, SeedReader } from './seed-data.reader.js';
import type { RecordLists } from './seed-data.records.js';
import { LiaisonAssignment, WorkPlan, type TargetRecord } from './seed-data.schema.js';

export function readWorkPlans(
  reader: SeedReader,
  plan: SeedPlan,
  document: DocumentContext,
  lists: RecordLists,
): void {
  reader.records(document, 'work_plans', lists.work_plans, WorkPlan, (workPlan, at) =>
    plan.workPlans.push({
      ...at.sourced('work plan', workPlan),
      org: at.reference(workPlan.org, 'org'),
      title: workPlan.title,
      period: workPlan.period,
      sections: workPlan.sections.map(({ number, title, quote, items }, sectionIndex) => {
        const sectionAt = at.child('sections', sectionIndex);
        return {
          number,
          title,
          quote,
          items: items.map((item, itemIndex) => {
            const itemAt = sectionAt.child('items', itemIndex);
            return {
              number: item.number,
              title: item.title,
              correctedTitle: item.corrected,
              leadDepartment: itemAt.optionalReference(item.lead_department, 'lead_department'),
              quote: item.quote,
              targets: item.targets.flatMap((target, index) => {
                const targetAt = itemAt.child('targets', index);
                const checked = checkTarget(reader, targetAt, target, workPlan.period);
                return checked ? [checked] : [];
              }),
            };
          }),
        };
      }),
    }),
  );
}

export function readLiaisonAssignments(
  reader: SeedReader,
  plan: SeedPlan,
  document: DocumentContext,
  lists: RecordLists,
): void {
  const { liaison_assignments: assignments } = lists;
  reader.records(
    document,
    'liaison_assignments',
    assignments,
    LiaisonAssignment,
    (assignment, at) => {
      // The assigning federation is the document's issuer unless the record names another.
      const org = assignment.org ? at.reference(assignment.org, 'org') : document.issuer;
      if (!org && document.read) at.problem('org', 'is required when the document has no issuer');
      const key = assignment.key ?? `${document.key}#${assignment.leader}`;
      const sourced = at.sourced('liaison assignment', { key, quote: assignment.quote });
      if (!org) return;
      plan.liaisonAssignments.push({
        ...sourced,
        org,
        leader: assignment.leader,
        note: assignment.note,
        counties: assignment.counties.map((county, index) =>
          at.reference(county, 'counties', index),
        ),
        liaisons: assignment.liaisons,
      });
    },
  );
}

/** A target against its metric, or, outside the catalogue, against the rules of its unit. */
function checkTarget(
  reader: SeedReader,
  at: RecordAt,
  { metric, value, unit, wording, qualifier, quote }: TargetRecord,
  period: Period,
): PlannedTarget | null {
  const common = { wording, qualifier, quote };
  if (metric !== null) {
    const input = { metric, period: period.canonical, value, unit };
    const valid = at.guard(() => validateMetricValue(reader.definitions.get(metric), input, ''));
    return valid === null ? null : { ...common, metric, value: valid.value, unit: valid.unit };
  }
  const rules = {
    unit,
    value_type: unit === 'PERCENT' ? ('PERCENT' as const) : ('DECIMAL' as const),
  };
  const checked = at.guard(() => validateAmount(value, rules, `A target in ${unit}`, 'value'));
  return checked === null ? null : { ...common, metric: null, value: checked, unit };
}
