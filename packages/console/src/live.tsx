import { useEffect, useState } from 'preact/hooks';
import { useSession } from './session-context';

const STATUS_CHANGED = `subscription ($within: String) {
  submissionStatusChanged(within: $within) { to submission { id } }
}`;

/**
 * Calls onChange whenever a report inside `within` changes status anywhere (the
 * submissionStatusChanged subscription over WebSocket), so a view asks again without reload;
 * also when the socket (re)connects, since changes made while it was down were not told.
 * Returns whether the view is live now.
 */
export function useStatusChanges(within: string, onChange: () => void): boolean {
  const session = useSession();
  const [live, setLive] = useState(session.connected);
  useEffect(() => {
    const socket = session.socket();
    // Only a reconnection means changes may have been missed; the first answer is fresh.
    let reconnecting = session.connected;
    const stopConnected = socket.on('connected', () => {
      setLive(true);
      if (reconnecting) onChange();
      reconnecting = true;
    });
    const stopClosed = socket.on('closed', () => setLive(false));
    const unsubscribe = socket.subscribe(
      { query: STATUS_CHANGED, variables: { within } },
      { next: onChange, error: () => setLive(false), complete: () => undefined },
    );
    return () => {
      stopConnected();
      stopClosed();
      unsubscribe();
    };
  }, [session, within, onChange]);
  return live;
}

/** Says whether a view follows changes as they happen. */
export function LiveBadge({ live }: { live: boolean }) {
  return (
    <p class="muted" data-testid="live" data-live={live ? 'on' : 'off'}>
      {live ? '● 实时更新中' : '○ 正在连接实时更新…'}
    </p>
  );
}
