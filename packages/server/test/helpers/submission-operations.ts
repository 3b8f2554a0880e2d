/** The submission operations the tests send, as a client would. */
export const SUBMISSION_FIELDS = `id status version narrative returnComment submittedBy approvedBy
  period { text } organization { code }`;

export const CREATE = `mutation($input: CreateSubmissionInput!) {
  createSubmission(input: $input) { replayed submission { ${SUBMISSION_FIELDS} } } }`;

export const SAVE = `mutation($input: SaveSubmissionValuesInput!) {
  saveSubmissionValues(input: $input) {
    dryRun replayed narrativeChanged
    changes { metric kind before { value qualifier scope } after { value qualifier scope wording } }
    problems { path message }
    normalized { path input value applied }
    submission { ${SUBMISSION_FIELDS} values(first: 100) { edges { node { value unit qualifier scope wording } } } }
  } }`;

export const SUBMIT = `mutation($input: SubmissionTransitionInput!) {
  submitSubmission(input: $input) { ${SUBMISSION_FIELDS} } }`;

export const RETURN = `mutation($input: ReturnSubmissionInput!) {
  returnSubmission(input: $input) { ${SUBMISSION_FIELDS} } }`;

export const APPROVE = `mutation($input: SubmissionTransitionInput!) {
  approveSubmission(input: $input) { ${SUBMISSION_FIELDS} } }`;

export const UNAPPROVE = `mutation($input: SubmissionTransitionInput!) {
  unapproveSubmission(input: $input) { ${SUBMISSION_FIELDS} } }`;

export const HISTORY = `query($id: ID!) { submission(id: $id) { status version
  history(first: 100) { totalCount edges { node { action actor fromStatus toStatus version metric before after comment } } } } }`;
