import type { Column } from './bulk-load.js';

export const SUBMISSION_COLUMNS: readonly Column[] = [
  { name: 'id', type: 'int' },
  { name: 'template_id', type: 'int' },
  { name: 'organization_id', type: 'int' },
  { name: 'period', type: 'text' },
  { name: 'period_type', type: 'text' },
  { name: 'period_start', type: 'date' },
  { name: 'period_end', type: 'date' },
  { name: 'status', type: 'text' },
  { name: 'version', type: 'int' },
  { name: 'narrative', type: 'text' },
  { name: 'created_at', type: 'timestamptz' },
  { name: 'created_by', type: 'text' },
  { name: 'updated_at', type: 'timestamptz' },
  { name: 'updated_by', type: 'text' },
  { name: 'submitted_at', type: 'timestamptz' },
  { name: 'submitted_by', type: 'text' },
  { name: 'returned_at', type: 'timestamptz' },
  { name: 'returned_by', type: 'text' },
  { name: 'return_comment', type: 'text' },
  { name: 'approved_at', type: 'timestamptz' },
  { name: 'approved_by', type: 'text' },
];

export const METRIC_VALUE_COLUMNS: readonly Column[] = [
  { name: 'id', type: 'int' },
  { name: 'organization_id', type: 'int' },
  { name: 'metric_code', type: 'text' },
  { name: 'period', type: 'text' },
  { name: 'period_type', type: 'text' },
  { name: 'period_start', type: 'date' },
  { name: 'period_end', type: 'date' },
  { name: 'value', type: 'numeric' },
  { name: 'unit', type: 'text' },
  { name: 'wording', type: 'text' },
  { name: 'qualifier', type: 'text' },
  { name: 'scope', type: 'text' },
  { name: 'aggregatable', type: 'bool' },
  { name: 'submission_id', type: 'int' },
  // COPY skips triggers (session_replication_role = replica): the generator writes the copies
  // of the unit's path and the submission's status that the server's trigger would.
  { name: 'organization_path', type: 'text' },
  { name: 'submission_status', type: 'text' },
];
