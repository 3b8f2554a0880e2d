import { describe, expect, it } from 'vitest';
import { byIdLoader, MissingRowError, requiredLoader } from '../src/graph/row-loaders.js';

describe('requiredLoader', () => {
  it('answers the row, shares the by-id batch, and names the table and id of a missing row', async () => {
    const batches: number[][] = [];
    const byId = byIdLoader(async (ids) => {
      batches.push(ids);
      return ids.filter((id) => id !== 404).map((id) => ({ id, name: `unit ${id}` }));
    });
    const required = requiredLoader('organization', byId);

    const [found, missing, plain] = await Promise.allSettled([
      required.load(1),
      required.load(404),
      byId.load(2),
    ]);
    expect(found).toEqual({ status: 'fulfilled', value: { id: 1, name: 'unit 1' } });
    expect(plain).toEqual({ status: 'fulfilled', value: { id: 2, name: 'unit 2' } });
    expect(missing.status).toBe('rejected');
    const error = (missing as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(MissingRowError);
    expect(error).toMatchObject({ table: 'organization', key: 404 });
    expect(error.message).toBe('organization 404 is referenced but was not found');
    expect(batches).toEqual([[1, 404, 2]]);
  });
});
