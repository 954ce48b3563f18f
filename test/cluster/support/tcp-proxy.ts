/**
 * A TCP proxy (node:net) between hosts and a server (MariaDB, Redis), so the test can make the
 * server unreachable for them alone: cut() destroys every connection and refuses new ones;
 * blackhole() keeps every connection open but stops moving bytes (a network partition: nothing
 * is refused, nothing answers; bytes wait, as TCP would retransmit them); restore() undoes either.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private blackholed = false;

  private constructor(
    private readonly target: { host: string; port: number },
    public port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target, 0);
    await proxy.listen();
    return proxy;
  }

  private listen(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
        // Paused sockets leave bytes unread in the kernel, as a partition would.
        if (this.blackholed) socket.pause();
      }
      client.on('data', (chunk) => upstream.write(chunk));
      upstream.on('data', (chunk) => client.write(chunk));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        const address = server.address();
        if (typeof address === 'object' && address) this.port = address.port;
        resolve();
      });
    });
  }

  /** Connections reset, new ones refused. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  /** Connections stay open and new ones are accepted, but no byte goes through. */
  blackhole(): void {
    this.blackholed = true;
    for (const socket of this.sockets) socket.pause();
  }

  async restore(): Promise<void> {
    this.blackholed = false;
    for (const socket of this.sockets) socket.resume();
    if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    await this.cut();
  }
}
