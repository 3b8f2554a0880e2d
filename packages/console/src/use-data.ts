import { useCallback, useEffect, useState } from 'preact/hooks';
import { useSession } from './session-context';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Asks again, keeping what is shown until the answer comes (live updates, after a write). */
  reload(): void;
}

/**
 * The answer of one call to the API for the current session, asked again when the session or
 * a key changes; a late answer to an older key is dropped.
 */
export function useData<T>(
  load: (client: ReturnType<typeof useSession>['client']) => Promise<T>,
  keys: readonly unknown[],
): Loaded<T> {
  const session = useSession();
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({
    loading: true,
  });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((before) => ({ ...before, loading: true }));
    load(session.client).then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) => current && setState({ error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [session, round, ...keys]);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
