import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A Redis Cluster of masters only, each a redis-server child process on loopback. */
export interface LocalRedisCluster {
  /** redis://127.0.0.1:port of every master: the seed list a host's --redis takes. */
  urls: string[];
  /** Stops every server and removes their directory. */
  stop(): Promise<void>;
}

/**
 * Starts `masters` cluster-enabled redis-servers on free ports of their own (client and bus
 * ports both chosen, so nothing clashes with the shared 6379 or with another run) in a temporary
 * directory, joins them with `redis-cli --cluster create` and waits until every node says
 * `cluster_state:ok`.
 */
export async function startRedisCluster(masters = 3): Promise<LocalRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'dispatchd-redis-cluster-'));
  const ports = await freePorts(2 * masters);
  const servers: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map(stopServer));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = ports[i];
      servers.push(
        spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--cluster-port',
            String(ports[masters + i]),
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            `nodes-${port}.conf`,
            '--dir',
            dir,
            '--dbfilename',
            `dump-${port}.rdb`,
            '--save',
            '',
            '--appendonly',
            'no',
            '--logfile',
            join(dir, `redis-${port}.log`),
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    const clientPorts = ports.slice(0, masters);
    await Promise.all(clientPorts.map((port) => until(() => cli(port, 'PING').then((reply) => reply === 'PONG'))));
    await run('redis-cli', ['--cluster', 'create', ...clientPorts.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    await Promise.all(clientPorts.map((port) => until(() => cli(port, 'CLUSTER', 'INFO').then((info) => info.includes('cluster_state:ok')))));
    return { urls: clientPorts.map((p) => `redis://127.0.0.1:${p}`), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function cli(port: number, ...command: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), ...command]);
  return stdout.trim();
}

/** Polls `check` (failures count as not yet) every 50 ms for up to 20 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('local Redis Cluster did not come up within 20 s');
}

/** Distinct free loopback ports: all listened on at once, so none is handed out twice. */
async function freePorts(count: number): Promise<number[]> {
  const listeners: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      listeners.push(server);
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    }
    return listeners.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(listeners.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  await new Promise((resolve) => {
    server.once('exit', resolve);
    server.kill('SIGTERM');
  });
}
