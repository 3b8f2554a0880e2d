import {
  ActivitiesDocument,
  ActivityDocument,
  ApproveSubmissionDocument,
  ChildrenDocument,
  CompletenessDocument,
  CreateSubmissionDocument,
  DescendantsDocument,
  DocumentDocument,
  DocumentsDocument,
  LiaisonAssignmentsDocument,
  MetricValuesDocument,
  MetricsDocument,
  NodeDocument,
  OrganizationDocument,
  OrganizationActivitiesDocument,
  OrganizationRecordDocument,
  OrganizationTreeDocument,
  OrganizationsDocument,
  RankingDocument,
  ReportingTemplatesDocument,
  ReturnSubmissionDocument,
  RollupDocument,
  SaveSubmissionValuesDocument,
  SeriesDocument,
  SpreadsheetDownloadDocument,
  SubmissionDocument,
  SubmitSubmissionDocument,
  UnapproveSubmissionDocument,
  ViewerDocument,
} from './graphql.js';

/** Every operation of the SDK; the client has one method per entry. */
export const operations = {
  /** Activities anywhere in the network, filtered by subtree (`within`), kind, period, theme, or a Chinese substring of the title or description; in load order or by date. */
  activities: { kind: 'query', document: ActivitiesDocument },
  /** One activity by its global id, with the figures it produced and where each comes from. */
  activity: { kind: 'query', document: ActivityDocument },
  /** Approves a submitted report, which locks its figures. */
  approveSubmission: { kind: 'mutation', document: ApproveSubmissionDocument },
  /** The units directly below one organization (federations unless filter.kind says otherwise), in tree order unless ordered by name or code, a page at a time. */
  children: { kind: 'query', document: ChildrenDocument },
  /** Who has reported for a template and period inside a subtree: totals by status and, per expected federation, its status, submission time and days late. */
  completeness: { kind: 'query', document: CompletenessDocument },
  /** Opens a report: a unit's submission for a template and period, as a draft. With an idempotency key, a retry returns the first answer and writes nothing (so the client may retry it). */
  createSubmission: { kind: 'mutation', document: CreateSubmissionDocument, idempotencyKey: 'idempotencyKey' },
  /** Every unit below one organization, at one level or all, in tree order unless ordered by name or code, a page at a time. */
  descendants: { kind: 'query', document: DescendantsDocument },
  /** One source document by its global id. */
  document: { kind: 'query', document: DocumentDocument },
  /** The source documents that the figures and records cite, in load order. */
  documents: { kind: 'query', document: DocumentsDocument },
  /** Which leadership members of a unit liaise with which counties, and their contacts there. The contacts' names and phones are personal data, shown only to viewers entitled to them. */
  liaisonAssignments: { kind: 'query', document: LiaisonAssignmentsDocument },
  /** One organization's figures, narrowed by metric code, period (the figures inside it) and scope (its own work, or its whole subtree), each exact, with its wording and its source; by metric, period or value. */
  metricValues: { kind: 'query', document: MetricValuesDocument },
  /** The metric catalogue: what each metric counts, in which unit, and how it rolls up over time and over the tree. */
  metrics: { kind: 'query', document: MetricsDocument },
  /** Any object by its global id: an organization, activity, figure, document, programme, honour or work plan, with the fields that name it. */
  node: { kind: 'query', document: NodeDocument },
  /** One organization by division code or global id, with its parent and every unit above it, and, for a unit closed by a later edition of the division list, the unit that took it over. */
  organization: { kind: 'query', document: OrganizationDocument },
  /** The activities one organization organized or co-organized, filtered by kind, period, theme or search; in load order or by date. */
  organizationActivities: { kind: 'query', document: OrganizationActivitiesDocument },
  /** A unit's record beyond its figures: its programmes and brands, the honours it received, and its work plans with their numbered items and targets. */
  organizationRecord: { kind: 'query', document: OrganizationRecordDocument },
  /** One level of the tree: a unit, how many units sit below it at each level, and its first children (20 unless `first` says otherwise) with their own sizes. */
  organizationTree: { kind: 'query', document: OrganizationTreeDocument },
  /** Search and filter all organizations: by name (a Chinese substring), level, kind (federations unless given), or subtree; ordered by tree, name or code. */
  organizations: { kind: 'query', document: OrganizationsDocument },
  /** The federations at one level ranked by a metric's aggregate, ties sharing a rank, with shares of the total. */
  ranking: { kind: 'query', document: RankingDocument },
  /** The reporting templates: which metrics, which levels submit, the period type and when reports are due. */
  reportingTemplates: { kind: 'query', document: ReportingTemplatesDocument },
  /** Sends a submitted report back to its unit with the reviewer's comment. */
  returnSubmission: { kind: 'mutation', document: ReturnSubmissionDocument },
  /** A metric rolled up by its tree rule over the subtree of each federation at one level, with what the unit reported itself beside the sum of the units below, and the coverage. */
  rollup: { kind: 'query', document: RollupDocument },
  /** Saves many figures of a draft at once (and removes some), checked against the version you read; with dryRun, reports what would change and every problem and writes nothing. With an idempotency key, a retry returns the first answer and writes nothing. */
  saveSubmissionValues: { kind: 'mutation', document: SaveSubmissionValuesDocument, idempotencyKey: 'idempotencyKey' },
  /** One unit's aggregate for each period from `from` to `to`, with the change from the period before and the growth rate. */
  series: { kind: 'query', document: SeriesDocument },
  /** A link to a spreadsheet made as the caller: a reporting template to fill in (XLSX), or a table (completeness, roll-up, ranking, series, contributions) as XLSX or CSV. GET the URL on the same server within five minutes; it needs no credentials (docs/reporting.md). */
  spreadsheetDownload: { kind: 'mutation', document: SpreadsheetDownloadDocument },
  /** One report by its global id, with its figures and the history of every change. */
  submission: { kind: 'query', document: SubmissionDocument },
  /** Sends a draft up for review. */
  submitSubmission: { kind: 'mutation', document: SubmitSubmissionDocument },
  /** Withdraws an approval, unlocking the report's figures. */
  unapproveSubmission: { kind: 'mutation', document: UnapproveSubmissionDocument },
  /** Who the server takes the caller to be: staff (role and organization), an API key (its name and scopes) or anonymous. */
  viewer: { kind: 'query', document: ViewerDocument },
} as const;

/** The operations that page by cursor: the response keys down to their connection. */
export const connections = {
  activities: ["activities"],
  children: ["organization","children"],
  completeness: ["completeness","units"],
  descendants: ["organization","descendants"],
  documents: ["documents"],
  metricValues: ["organization","metricValues"],
  organizationActivities: ["organization","activities"],
  organizations: ["organizations"],
  ranking: ["ranking","entries"],
  rollup: ["rollup"],
} as const;
