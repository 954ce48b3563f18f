/**
 * Whether this run may use the local MariaDB and Redis. `npm run test:unit` sets
 * DISPATCHD_TEST_SERVERS=0 and leaves out the *.servers.test.ts and *.browser.test.ts files;
 * the other files then keep only their embedded stores and skip their few server cases.
 */
export const WITH_SERVERS = process.env.DISPATCHD_TEST_SERVERS !== '0';

/** `entries` when the run has the servers, none otherwise: for the tables of stores under test. */
export function onServers<T>(...entries: T[]): T[] {
  return WITH_SERVERS ? entries : [];
}
