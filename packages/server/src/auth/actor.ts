import { UnreachableCaseError } from '../unreachable.js';
import type { Viewer } from './viewer.js';

/**
 * Who acted, as one string: what the audit table and a submission's who-columns record, and
 * what a rate-limit bucket is named after.
 */
export function actorOf(viewer: Viewer): string {
  switch (viewer.kind) {
    case 'staff':
      return `staff:${viewer.subject}`;
    case 'api-key':
      return `api-key:${viewer.keyId}`;
    case 'system':
      return 'system';
    case 'anonymous':
      return 'anonymous';
    default:
      throw new UnreachableCaseError(viewer);
  }
}

/**
 * Whose rate-limit bucket a request draws from: one per API key, one per staff member, one per
 * client address for anonymous callers; null for the system (CLI, seed), which is not limited.
 */
export function bucketKey(viewer: Viewer, clientAddress: string | undefined): string | null {
  if (viewer.kind === 'system') return null;
  const actor = actorOf(viewer);
  return viewer.kind === 'anonymous' ? `${actor}:${clientAddress ?? 'unknown'}` : actor;
}
