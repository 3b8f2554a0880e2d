import { useEffect } from 'preact/hooks';
import { useSession } from './session-context';

const STATUS_CHANGED = `subscription ($within: String) {
  submissionStatusChanged(within: $within) { to submission { id } }
}`;

/**
 * Calls onChange whenever a report inside `within` changes status anywhere (the
 * submissionStatusChanged subscription over WebSocket), so a view asks again without reload.
 */
export function useStatusChanges(within: string, onChange: () => void): void {
  const session = useSession();
  useEffect(
    () =>
      session
        .socket()
        .subscribe(
          { query: STATUS_CHANGED, variables: { within } },
          { next: onChange, error: () => undefined, complete: () => undefined },
        ),
    [session, within, onChange],
  );
}
