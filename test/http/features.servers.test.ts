import { describe } from 'vitest';
import { featureApiSuite } from './support/features-suite.js';
import { useServersHost } from './support/servers-host.js';

describe('the feature engine through HTTP over sockets on MariaDB + Redis', () => {
  const servers = useServersHost();
  featureApiSuite(() => ({ host: servers.host(), call: servers.call }));
});
