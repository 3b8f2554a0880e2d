// The consistency token as the client handles it, against a fake fetch: what it keeps from the
// answers and sends back. That the token makes a replica's reads fresh is tested against a real
// primary and replica (read-replica.test.ts).
import { describe, expect, it } from 'vitest';
import { createClient, FulianError, type Fetch } from '../src/index.js';

const HEADER = 'fulian-consistency-token';

/** A fetch answering each call with the next reply, recording the token each call carried. */
function server(...replies: { status?: number; token?: string; body?: unknown }[]) {
  const sent: (string | undefined)[] = [];
  const fetch: Fetch = async (_url, init) => {
    sent.push(init.headers[HEADER]);
    const reply = replies.shift() ?? {};
    return new Response(JSON.stringify(reply.body ?? { data: { ok: true } }), {
      status: reply.status ?? 200,
      headers: {
        'content-type': 'application/json',
        ...(reply.token && { [HEADER]: reply.token }),
      },
    });
  };
  return { fetch, sent };
}

describe('consistency token', () => {
  it('sends none until an answer carries one, then the furthest one seen with every request', async () => {
    const { fetch, sent } = server(
      {},
      { token: '4000' },
      // An earlier write's answer arriving late must not take the client back.
      { token: '3000' },
      { token: '5000' },
      {},
    );
    const client = createClient({ endpoint: 'http://fulian.test/graphql', fetch });
    for (let n = 0; n < 5; n += 1) await client.raw('{ ok }');
    await client.raw('{ ok }');
    expect(sent).toEqual([undefined, undefined, '4000', '4000', '5000', '5000']);
  });

  it('keeps a token from a failed answer (a mutation that partly failed still wrote)', async () => {
    const failed = {
      status: 200,
      token: '7000',
      body: { data: null, errors: [{ message: 'no', extensions: { code: 'CONFLICT' } }] },
    };
    const { fetch, sent } = server(failed, {});
    const client = createClient({ endpoint: 'http://fulian.test/graphql', fetch });
    await expect(client.raw('mutation { ok }')).rejects.toBeInstanceOf(FulianError);
    await client.raw('{ ok }');
    expect(sent).toEqual([undefined, '7000']);
  });

  it('ignores a value that is not a position; each client keeps its own token', async () => {
    const { fetch, sent } = server({ token: '12/AB' }, {}, { token: '900' }, {});
    const first = createClient({ endpoint: 'http://fulian.test/graphql', fetch });
    await first.raw('mutation { ok }');
    await first.raw('{ ok }');
    await first.raw('mutation { ok }');
    const second = createClient({ endpoint: 'http://fulian.test/graphql', fetch });
    await second.raw('{ ok }');
    expect(sent).toEqual([undefined, undefined, undefined, undefined]);
  });
});
