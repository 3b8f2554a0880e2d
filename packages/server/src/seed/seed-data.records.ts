import { validateMetricValue } from '../modules/metric/metric.validation.js';
import type { SeedPlan } from './seed-data.plan.js';
import type { DocumentContext, SeedReader } from './seed-data.reader.js';
import {
  Activity,
  Honor,
  MetricValue,
  Organization,
  orgRefOf,
  Programme,
} from './seed-data.schema.js';

/** A document file's lists of records, as DocumentFile reads them. */
export type RecordLists = Record<
  | 'organizations'
  | 'metric_values'
  | 'activities'
  | 'programmes'
  | 'honors'
  | 'work_plans'
  | 'liaison_assignments',
  unknown[]
>;

export function readOrganizations(
  reader: SeedReader,
  plan: SeedPlan,
  document: DocumentContext,
  lists: RecordLists,
): void {
  reader.records(document, 'organizations', lists.organizations, Organization, (unit, at) => {
    if (unit.key === null) {
      if (unit.org) at.reference(unit.org, 'org');
      else if (unit.unresolved === null) {
        at.problem(
          'org',
          'is required: a division code, a key, or null with the reason in unresolved',
        );
      }
      return;
    }
    at.unique('organization', unit.key);
    reader.declared.set(unit.key, at.place());
    if (unit.org) at.problem('org', 'a declared unit (with key) has no org');
    if (unit.kind === null) at.problem('kind', 'is required');
    if (unit.level === null) at.problem('level', 'is required');
    if (unit.parent === null) {
      // A unit with no parent is a root: the tree's own (national), declared so that
      // documents can name it. It must already be there; the seeds never add or change it.
      reader.treeRoots.set(unit.key, at.place('key'));
      return;
    }
    if (unit.kind === null || unit.level === null) return;
    plan.organizations.push({
      key: unit.key,
      name: unit.full_name ?? unit.corrected ?? unit.name,
      kind: unit.kind,
      level: unit.level,
      parent: at.reference(unit.parent, 'parent'),
    });
  });
}

export function readMetricValues(
  reader: SeedReader,
  plan: SeedPlan,
  document: DocumentContext,
  lists: RecordLists,
): void {
  reader.records(document, 'metric_values', lists.metric_values, MetricValue, (figure, at) => {
    const org = at.reference(figure.org, 'org');
    const { metric, period, value, unit, activity } = figure;
    const valid = at.guard(() =>
      validateMetricValue(
        reader.definitions.get(metric),
        { metric, period, value, unit, asOf: figure.as_of },
        '',
      ),
    );
    if (activity) reader.activityRefs.set(activity, at.place('activity'));
    if (!valid) return;
    // A figure's key is what tells it apart: its document, unit, metric, period, as-of date,
    // scope and activity.
    const key = [
      document.key,
      'code' in org ? org.code : org.key,
      metric,
      valid.period.canonical,
      valid.asOf ?? '',
      figure.scope,
      activity ?? '',
    ].join('|');
    plan.metricValues.push({
      ...at.sourced('metric value', { key, quote: figure.quote }),
      org,
      metric,
      period: valid.period,
      asOf: valid.asOf,
      value: valid.value,
      unit: valid.unit,
      wording: figure.wording,
      qualifier: figure.qualifier,
      scope: figure.scope,
      aggregatable: valid.aggregatable,
      activity,
    });
  });
}

export function readProgrammes(
  reader: SeedReader,
  plan: SeedPlan,
  document: DocumentContext,
  lists: RecordLists,
): void {
  reader.records(document, 'programmes', lists.programmes, Programme, (programme, at) =>
    plan.programmes.push({
      ...at.sourced('programme', programme),
      org: at.reference(programme.org, 'org'),
      name: programme.name,
      correctedName: programme.corrected,
      kind: programme.kind,
      themes: programme.themes,
    }),
  );
}

export function readActivities(
  reader: SeedReader,
  plan: SeedPlan,
  document: DocumentContext,
  lists: RecordLists,
): void {
  reader.records(document, 'activities', lists.activities, Activity, (activity, at) => {
    if (activity.programme) reader.programmeRefs.set(activity.programme, at.place('programme'));
    plan.activities.push({
      ...at.sourced('activity', activity),
      org: at.reference(activity.org, 'org'),
      coOrganizers: activity.co_organizers.map((ref, index) =>
        at.reference(ref, 'co_organizers', index),
      ),
      title: activity.title,
      correctedTitle: activity.corrected,
      description: activity.description,
      kind: activity.kind,
      period: activity.period,
      leadDepartment: at.optionalReference(activity.lead_department, 'lead_department'),
      programme: activity.programme,
      themes: activity.themes,
      annex: activity.annex,
      sequence: activity.sequence,
    });
  });
}

export function readHonors(
  reader: SeedReader,
  plan: SeedPlan,
  document: DocumentContext,
  lists: RecordLists,
): void {
  reader.records(document, 'honors', lists.honors, Honor, (honor, at) => {
    // The awarding body is a unit when written as a code or key, else its name as written.
    const awardedBy = honor.awarded_by === null ? null : orgRefOf(honor.awarded_by);
    plan.honors.push({
      ...at.sourced('honor', honor),
      recipient: at.reference(honor.recipient, 'recipient'),
      title: honor.title,
      correctedTitle: honor.corrected,
      awardedBy: at.optionalReference(awardedBy, 'awarded_by'),
      awardedByName: awardedBy === null ? honor.awarded_by : null,
      period: honor.period,
    });
  });
}
