import type {
  ActivityKind,
  DocumentKind,
  MetricDefinitionRow,
  MetricScope,
  MetricUnit,
  OrganizationKind,
  OrganizationLevel,
  ProgrammeKind,
  Qualifier,
} from '../db/tables.js';
import type { Period } from '../period/period.js';

/**
 * The seed files, checked and cross-referenced, ready to write: every reference to another
 * record is a key, and every organization reference is a division code (resolved against the
 * tree while validating) or the key of a unit the seeds declare.
 */
export interface SeedPlan {
  metrics: MetricDefinitionRow[];
  organizations: PlannedOrganization[];
  documents: PlannedDocument[];
  programmes: PlannedProgramme[];
  activities: PlannedActivity[];
  metricValues: PlannedMetricValue[];
  honors: PlannedHonor[];
  workPlans: PlannedWorkPlan[];
  liaisonAssignments: PlannedLiaisonAssignment[];
}

export type OrgRef = { code: string } | { key: string };

export interface PlannedOrganization {
  key: string;
  name: string;
  kind: OrganizationKind;
  level: OrganizationLevel;
  parent: OrgRef;
}

export interface PlannedDocument {
  key: string;
  title: string;
  kind: DocumentKind;
  number: string | null;
  issuer: OrgRef | null;
  publisher: string | null;
  author: string | null;
  dateText: string | null;
  dateStart: string | null;
  sourceFile: string;
}

/** What every record a document gives carries: its key, its document and the quote. */
export interface Provenance {
  key: string;
  document: string;
  quote: string;
}

export interface PlannedProgramme extends Provenance {
  org: OrgRef;
  name: string;
  correctedName: string | null;
  kind: ProgrammeKind;
  themes: string[];
}

export interface PlannedActivity extends Provenance {
  org: OrgRef;
  coOrganizers: OrgRef[];
  title: string;
  correctedTitle: string | null;
  description: string | null;
  kind: ActivityKind;
  period: Period | null;
  leadDepartment: OrgRef | null;
  programme: string | null;
  themes: string[];
  annex: string | null;
  sequence: number | null;
}

export interface PlannedMetricValue extends Provenance {
  /** The natural key: document, organization, metric, period, as-of, scope and activity. */
  key: string;
  org: OrgRef;
  metric: string;
  period: Period;
  asOf: string | null;
  value: string;
  unit: MetricUnit;
  wording: string | null;
  qualifier: Qualifier;
  scope: MetricScope;
  aggregatable: boolean;
  activity: string | null;
}

export interface PlannedHonor extends Provenance {
  recipient: OrgRef;
  title: string;
  correctedTitle: string | null;
  awardedBy: OrgRef | null;
  awardedByName: string | null;
  period: Period | null;
}

export interface PlannedTarget {
  metric: string | null;
  value: string;
  unit: MetricUnit;
  wording: string | null;
  qualifier: Qualifier;
  quote: string;
}

export interface PlannedItem {
  number: string;
  title: string;
  correctedTitle: string | null;
  leadDepartment: OrgRef | null;
  quote: string;
  targets: PlannedTarget[];
}

export interface PlannedSection {
  number: string;
  title: string;
  quote: string;
  items: PlannedItem[];
}

export interface PlannedWorkPlan extends Provenance {
  org: OrgRef;
  title: string;
  period: Period;
  sections: PlannedSection[];
}

export interface PlannedLiaisonAssignment extends Provenance {
  org: OrgRef;
  leader: string;
  note: string | null;
  counties: OrgRef[];
  liaisons: { name: string; phone: string | null }[];
}
