/**
 * The peer solvers of bench/solver-peers.ts, each a process of its own that reads dispatchd's
 * candidate edges from a file and prints the wall time of its matching and its objective:
 * scipy's sparse LAPJV (bench/peers/scipy_peer.py) and LEMON's network simplex and cost scaling
 * (bench/peers/lemon_peer.cpp, compiled into build/peers/ on first use). A peer that is not
 * installed is skipped with one line saying so: `npm run bench` does not need them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageRoot } from '../src/package-root.js';

export type PeerName = 'scipy' | 'lemonNs' | 'lemonCs';

export interface PeerRun {
  ms: number;
  objective: number;
  /** The peer's library version (scipy's, LEMON's). */
  version: string;
}

/** Runs one peer on an edge file (writeEdgeFile). */
export type PeerRunner = (edgeFile: string) => PeerRun;

/** The kept candidate graph of one problem, as dispatchd's matching sees it. */
export interface CandidateEdges {
  orders: number;
  couriers: number;
  /** Deciseconds: what leaving an order unassigned costs. */
  penalty: number;
  order: Int32Array;
  courier: Int32Array;
  cost: Int32Array;
}

const PEERS_SOURCE = join(packageRoot(), 'bench', 'peers');
const LEMON_SOURCE = join(PEERS_SOURCE, 'lemon_peer.cpp');
const LEMON_BINARY = join(packageRoot(), 'build', 'peers', 'lemon_peer');
const LEMON_HEADER = '/usr/include/lemon/network_simplex.h';

/** Int32 little-endian: orders, couriers, edges, penalty, then the order, courier and cost columns. */
export function writeEdgeFile(path: string, edges: CandidateEdges): void {
  const head = Int32Array.of(edges.orders, edges.couriers, edges.order.length, edges.penalty);
  writeFileSync(
    path,
    Buffer.concat([head, edges.order, edges.courier, edges.cost].map((column) => new Uint8Array(column.buffer, column.byteOffset, column.byteLength))),
  );
}

/** A runner per installed peer, after one line on `progress` for each peer that is not installed. */
export function installedPeers(progress: (line: string) => void): [PeerName, PeerRunner][] {
  const peers: [PeerName, PeerRunner][] = [];
  if (spawnSync('python3', ['-c', 'import scipy.sparse.csgraph']).status === 0) {
    peers.push(['scipy', (file) => runPeer('python3', [join(PEERS_SOURCE, 'scipy_peer.py'), file])]);
  } else {
    progress('scipy peer skipped: python3-scipy not installed');
  }
  const lemon = lemonBinary();
  if (lemon.ok) {
    peers.push(['lemonNs', (file) => runPeer(LEMON_BINARY, ['ns', file])]);
    peers.push(['lemonCs', (file) => runPeer(LEMON_BINARY, ['cs', file])]);
  } else {
    progress(`LEMON peers skipped: ${lemon.reason}`);
  }
  return peers;
}

/** build/peers/lemon_peer, compiled when missing or older than its source. */
function lemonBinary(): { ok: true } | { ok: false; reason: string } {
  if (!existsSync(LEMON_HEADER)) return { ok: false, reason: 'liblemon-dev not installed' };
  if (existsSync(LEMON_BINARY) && statSync(LEMON_BINARY).mtimeMs >= statSync(LEMON_SOURCE).mtimeMs) return { ok: true };
  mkdirSync(dirname(LEMON_BINARY), { recursive: true });
  const compile = spawnSync('g++', ['-O3', '-march=native', '-o', LEMON_BINARY, LEMON_SOURCE], { encoding: 'utf8' });
  if (compile.error) return { ok: false, reason: 'g++ not installed' };
  if (compile.status !== 0) throw new Error(`compiling ${LEMON_SOURCE} failed:\n${compile.stderr}`);
  return { ok: true };
}

function runPeer(command: string, args: string[]): PeerRun {
  return JSON.parse(execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as PeerRun;
}
