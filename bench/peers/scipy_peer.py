"""scipy's sparse LAPJV on dispatchd's candidate edges (bench/solver-peers.ts).

    python3 scipy_peer.py EDGE_FILE   ->   {"ms": <matching wall ms>, "objective": <deciseconds>, "version": <scipy's>}

EDGE_FILE (bench/peer-solvers.ts): int32 little-endian orders, couriers, edges, penalty, then the
edges' orders, couriers and costs. Rows are orders; columns the couriers, then one dummy column per
order at the penalty (its "unassigned" option, as in dispatchd), so every row has a full matching.
Every weight is raised by 1: scipy requires non-zero weights (its docs: explicit zeros may be lost
between sparse formats), and the objective moves by exactly `orders` (each row is matched once).
Only the call to min_weight_full_bipartite_matching is timed.
"""

import json
import sys
import time

import numpy as np
import scipy
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

path = sys.argv[1]
orders, couriers, edges, penalty = (int(x) for x in np.fromfile(path, dtype="<i4", count=4))
columns = np.fromfile(path, dtype="<i4", offset=16)
dummies = np.arange(orders, dtype=np.int64)
rows = np.concatenate([columns[:edges], dummies])
cols = np.concatenate([columns[edges : 2 * edges], couriers + dummies])
weights = np.concatenate([columns[2 * edges :], np.full(orders, penalty)]).astype(np.float64) + 1
graph = csr_matrix((weights, (rows, cols)), shape=(orders, couriers + orders))

started = time.perf_counter()
matched_rows, matched_cols = min_weight_full_bipartite_matching(graph)
ms = (time.perf_counter() - started) * 1000

objective = int(np.asarray(graph[matched_rows, matched_cols]).sum()) - orders
print(json.dumps({"ms": ms, "objective": objective, "version": scipy.__version__}))
