import { afterAll, beforeAll, describe } from 'vitest';
import type { Host } from '../../src/host/host.js';
import { startTestHost } from './support/host.js';
import { featureApiSuite, type Call } from './support/features-suite.js';

describe('the feature engine through HTTP on the embedded stores (inject)', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host.close());
  const call: Call = async (method, url, body) => {
    const reply = await host.app.inject({ method: method as 'GET', url, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: reply.statusCode, body: reply.body.startsWith('{') ? reply.json() : reply.body };
  };
  featureApiSuite(() => ({ host, call }));
});
