// LEMON's min-cost-flow solvers on dispatchd's candidate edges (bench/solver-peers.ts).
//
//   lemon_peer ns|cs EDGE_FILE   ->   {"ms": <matching wall ms>, "objective": <deciseconds>, "version": <LEMON's>}
//
// EDGE_FILE (bench/peer-solvers.ts): int32 little-endian orders, couriers, edges, penalty, then
// the edges' orders, couriers and costs. Unit supply on each order, a sink taking all of it;
// arcs order->courier (the edge's cost), courier->sink (0), and order->sink at the penalty: the
// order's "unassigned" option, as in dispatchd. All capacities 1. Only run() is timed.
#include <lemon/config.h>
#include <lemon/cost_scaling.h>
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

using Graph = lemon::SmartDigraph;

template <typename Solver>
static int solve(const Graph& g, const Graph::ArcMap<int>& cost, const Graph::NodeMap<int>& supply) {
  Graph::ArcMap<int> capacity(g, 1);
  Solver solver(g);
  solver.upperMap(capacity).costMap(cost).supplyMap(supply);
  const auto started = std::chrono::steady_clock::now();
  const auto status = solver.run();
  const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - started;
  if (status != Solver::OPTIMAL) {
    std::fprintf(stderr, "lemon_peer: no optimum (status %d)\n", static_cast<int>(status));
    return 1;
  }
  std::printf("{\"ms\": %.3f, \"objective\": %lld, \"version\": \"%s\"}\n", elapsed.count(), static_cast<long long>(solver.template totalCost<long long>()),
              LEMON_VERSION);
  return 0;
}

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "ns") != 0 && std::strcmp(argv[1], "cs") != 0)) {
    std::fprintf(stderr, "usage: lemon_peer ns|cs EDGE_FILE\n");
    return 2;
  }
  std::FILE* file = std::fopen(argv[2], "rb");
  if (file == nullptr) {
    std::perror(argv[2]);
    return 2;
  }
  int32_t head[4];
  if (std::fread(head, sizeof head, 1, file) != 1) return 2;
  const int32_t orders = head[0], couriers = head[1], edges = head[2], penalty = head[3];
  std::vector<int32_t> columns(3 * static_cast<size_t>(edges));
  if (std::fread(columns.data(), sizeof(int32_t), columns.size(), file) != columns.size()) return 2;
  std::fclose(file);

  Graph g;
  g.reserveNode(orders + couriers + 1);
  g.reserveArc(edges + couriers + orders);
  std::vector<Graph::Node> nodes(orders + couriers);
  for (auto& node : nodes) node = g.addNode();
  const Graph::Node sink = g.addNode();
  Graph::ArcMap<int> cost(g);
  Graph::NodeMap<int> supply(g, 0);
  for (int32_t e = 0; e < edges; e++) cost[g.addArc(nodes[columns[e]], nodes[orders + columns[edges + e]])] = columns[2 * edges + e];
  for (int32_t c = 0; c < couriers; c++) cost[g.addArc(nodes[orders + c], sink)] = 0;
  for (int32_t o = 0; o < orders; o++) {
    cost[g.addArc(nodes[o], sink)] = penalty;
    supply[nodes[o]] = 1;
  }
  supply[sink] = -orders;

  return argv[1][0] == 'n' ? solve<lemon::NetworkSimplex<Graph, int, long long>>(g, cost, supply)
                           : solve<lemon::CostScaling<Graph, int, long long>>(g, cost, supply);
}
