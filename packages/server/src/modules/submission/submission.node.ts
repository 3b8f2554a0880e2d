import { nodeFetcher } from '../../graph/node.resolver.js';
import { canSeeSubmission } from './submission.access.js';
import { ReportingTemplate, Submission } from './submission.type.js';

export const submissionNode = nodeFetcher(Submission, async ({ loaders, viewer }, rowId) => {
  const row = await loaders.submission.byId.load(rowId);
  return row && canSeeSubmission(viewer, row) ? new Submission(row) : null;
});

export const reportingTemplateNode = nodeFetcher(ReportingTemplate, async ({ loaders }, rowId) => {
  const row = await loaders.submission.templateById.load(rowId);
  return row ? new ReportingTemplate(row) : null;
});
