import { afterEach, describe, expect, it } from 'vitest';
import { InThreadSolver, type DispatchSolver } from '../../src/dispatch/solver.js';
import type { Host } from '../../src/host/host.js';
import { startTestHost } from './support/host.js';

describe('/readyz', () => {
  let host: Host | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('is 503 naming the failing check when the solver pool does not answer', async () => {
    const broken: DispatchSolver = {
      solve: async () => {
        throw new Error('solver workers are gone');
      },
      stats: () => new InThreadSolver().stats(),
      close: async () => {},
    };
    host = await startTestHost({}, { solver: broken });
    const reply = await host.app.inject('/readyz');
    expect(reply.statusCode).toBe(503);
    expect(reply.json()).toEqual({
      status: 'not ready',
      checks: { leases: 'ok', state: 'ok', decisions: 'ok', pool: 'solver workers are gone' },
    });
    expect((await host.app.inject('/healthz')).statusCode).toBe(200);
  });
});
