import {
  ACTIVITY_KINDS,
  METRIC_SCOPES,
  ORGANIZATION_KINDS,
  ORGANIZATION_LEVELS,
  PROGRAMME_KINDS,
  QUALIFIERS,
} from '../db/tables.js';
import { validateMetricValue } from '../modules/metric/metric.validation.js';
import type { PlannedActivity, SeedPlan } from './seed-data.plan.js';

import {
  CODE,
  KEY,
  type DocumentContext,
  type Fields,
  type SeedReader,
} from './seed-data.fields.js';

export function readOrganizations(
  reader: SeedReader,
  plan: SeedPlan,
  document: DocumentContext,
  root: Fields,
): void {
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
      const key = reader.requiredKey(fields, 'organization');
      reader.declared.set(key, { file: fields.file, path: fields.path });
      if (fields.has('org')) fields.problem('org', 'a declared unit (with key) has no org');
      const kind = fields.oneOf('kind', ORGANIZATION_KINDS);
      const level = fields.oneOf('level', ORGANIZATION_LEVELS);
      if (!fields.has('parent')) {
        // A unit with no parent is a root: the tree's own (national), declared so that
        // documents can name it. It must already be there; the seeds never add or change it.
        reader.treeRoots.set(key, { file: fields.file, path: fields.at('key') });
        return;
      }
      plan.organizations.push({
        key,
        name: fields.optionalText('full_name') ?? fields.optionalText('corrected') ?? name,
        kind,
        level,
        parent: reader.requiredOrg(fields, 'parent'),
      });
    } else if (fields.has('org')) {
      reader.orgRef(fields, 'org', fields.raw('org'));
    } else if (!fields.optionalText('unresolved')) {
      fields.problem(
        'org',
        'is required: a division code, a key, or null with the reason in unresolved',
      );
    }
  });
}

export function readMetricValues(
  reader: SeedReader,
  plan: SeedPlan,
  document: DocumentContext,
  root: Fields,
): void {
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
    const org = reader.requiredOrg(fields, 'org');
    const metric = fields.text('metric');
    const input = {
      metric,
      period: fields.text('period'),
      value: fields.decimal('value'),
      unit: fields.optionalText('unit', true),
      asOf: fields.optionalText('as_of'),
    };
    const valid = fields.guard('', () =>
      validateMetricValue(reader.definitions.get(metric), input, ''),
    );
    const activity = fields.optionalText('activity');
    if (activity)
      reader.activityRefs.set(activity, { file: fields.file, path: fields.at('activity') });
    const scope = fields.oneOf('scope', METRIC_SCOPES);
    if (!valid) return;
    const orgText = 'code' in org ? org.code : org.key;
    const key = [
      document.key,
      orgText,
      metric,
      valid.period.canonical,
      valid.asOf ?? '',
      scope,
      activity ?? '',
    ].join('|');
    reader.uniqueKey(fields, 'metric value', key);
    plan.metricValues.push({
      ...document.provenance(fields),
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
}

export function readProgrammes(
  reader: SeedReader,
  plan: SeedPlan,
  document: DocumentContext,
  root: Fields,
): void {
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
      ...document.provenance(fields),
      key: reader.requiredKey(fields, 'programme'),
      org: reader.requiredOrg(fields, 'org'),
      name: fields.text('name'),
      correctedName: fields.optionalText('corrected'),
      kind: fields.oneOf('kind', PROGRAMME_KINDS),
      themes: reader.themes(fields),
    });
  });
}

export function readActivities(
  reader: SeedReader,
  plan: SeedPlan,
  document: DocumentContext,
  root: Fields,
): void {
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
      reader.programmeRefs.set(programme, { file: fields.file, path: fields.at('programme') });
    const activity: PlannedActivity = {
      ...document.provenance(fields),
      key: reader.requiredKey(fields, 'activity'),
      org: reader.requiredOrg(fields, 'org'),
      coOrganizers: fields
        .list('co_organizers')
        .flatMap((ref) => reader.orgRef(fields, 'co_organizers', ref) ?? []),
      title: fields.text('title'),
      correctedTitle: fields.optionalText('corrected'),
      description: fields.optionalText('description'),
      kind: fields.oneOf('kind', ACTIVITY_KINDS),
      period: fields.period('period'),
      leadDepartment: reader.optionalOrg(fields, 'lead_department'),
      programme,
      themes: reader.themes(fields),
      annex: fields.optionalText('annex'),
      sequence: fields.optionalInteger('sequence'),
    };
    plan.activities.push(activity);
  });
}

export function readHonors(
  reader: SeedReader,
  plan: SeedPlan,
  document: DocumentContext,
  root: Fields,
): void {
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
      ...document.provenance(fields),
      key: reader.requiredKey(fields, 'honor'),
      recipient: reader.requiredOrg(fields, 'recipient'),
      title: fields.text('title'),
      correctedTitle: fields.optionalText('corrected'),
      awardedBy: isReference ? reader.orgRef(fields, 'awarded_by', awardedBy) : null,
      awardedByName: isReference ? null : awardedBy,
      period: fields.period('period'),
    });
  });
}
