import { createClient, type FulianClient } from '@fulian/sdk';
import { createClient as createSocket, type Client as Socket } from 'graphql-ws';

/** Where the pasted token is kept: this tab only, gone when it closes. */
const TOKEN_KEY = 'fulian.token';

/** The console's way to the API: the SDK over HTTP, graphql-ws for live changes. */
export interface Session {
  token: string | null;
  client: FulianClient;
  socket(): Socket;
  /** Whether the socket is connected now (live views show it). */
  readonly connected: boolean;
}

export function readToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function keepToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

/**
 * A session for a token (or none: a visitor sees public data only). The API is on the
 * console's own origin, so no CORS and no absolute URL.
 */
export function openSession(token: string | null): Session {
  const endpoint = new URL('/graphql', location.href).href;
  const client = createClient(token === null ? { endpoint } : { endpoint, token });
  let socket: Socket | undefined;
  let connected = false;
  return {
    token,
    client,
    get connected() {
      return connected;
    },
    socket() {
      socket ??= createSocket({
        url: endpoint.replace(/^http/, 'ws'),
        connectionParams: token === null ? {} : { authorization: `Bearer ${token}` },
        lazy: true,
        retryAttempts: Infinity,
        on: {
          connected: () => (connected = true),
          closed: () => (connected = false),
        },
      });
      return socket;
    },
  };
}

/** The local admin's token, offered only by a server in local mode on loopback; else null. */
export async function askLocalAdmin(): Promise<string | null> {
  const response = await fetch('/console/local-admin', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  }).catch(() => null);
  if (!response?.ok) return null;
  const body = (await response.json()) as { token?: string };
  return body.token ?? null;
}

/** Whether this server offers the one-click local admin (local mode, on loopback). */
export async function localAdminOffered(): Promise<boolean> {
  const response = await fetch('/console/local-admin').catch(() => null);
  return response?.status === 204;
}
