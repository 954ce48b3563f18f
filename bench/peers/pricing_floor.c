// The scalar C floor of the edge build's pricing (bench/edges.ts): the pairs dispatchd found
// eligible, priced again by the spec's formula (docs/problem.md) the way the core prices them,
// with nothing to find: per point its radians, cos φ, unit vector and 1 / speed once; per pair
// the squared chord, 2R·asin(chord/2) by its series, the travel times, wait, handover and the
// rounding to deciseconds, with the core's bound and the exact haversine where it could matter.
// Compiled by bench/edges.ts with `gcc -O3 -fno-tree-vectorize` (scalar: no SIMD, no FMA).
//
//   pricing_floor PAIR_FILE REPEATS -> {"ns_per_pair": <best of REPEATS>, "eligible": <n>, "cost_sum": <ds>, "exact": <n>}
//
// PAIR_FILE (bench/edges.ts): int32 couriers, orders, pairs, 0; f64 max_pickup_s, detour_factor,
// wait_weight, handover_s; f64 columns courier lat, lng, speed, free_in; order pickup lat, lng,
// dropoff lat, lng, ready; int32 columns pair order, pair courier (grouped by order).
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define EARTH_RADIUS_M 6371008.8
#define TWO_R (2 * EARTH_RADIUS_M)
#define DEG_TO_RAD (M_PI / 180)
#define SERIES_CHORD_SQUARED_LIMIT 1e-4
#define ROUNDING_SLACK 1e-14
#define INELIGIBLE (-1.0)
#define UNSURE (-2.0)

static double haversine(double phiA, double lambdaA, double cosA, double phiB, double lambdaB, double cosB) {
  const double sinHalfDPhi = sin((phiB - phiA) / 2);
  const double sinHalfDLambda = sin((lambdaB - lambdaA) / 2);
  const double h = fmin(sinHalfDPhi * sinHalfDPhi + cosA * cosB * (sinHalfDLambda * sinHalfDLambda), 1.0);
  return TWO_R * asin(sqrt(h));
}

// floor() without a libm call (baseline x86-64 has no SSE4.1 round): exact for |x| < 2^52.
static inline double floorFast(double x) {
  const double t = (double)(int64_t)x;
  return t > x ? t - 1 : t;
}

// assembly/positions.ts pricePair, operation for operation.
static inline double pricePair(double travel, double travelSlack, double deliveryTime, double freeIn, double ready, double maxPickup, double handover,
                               double waitWeight, double relativeSlack) {
  const double arrive = freeIn + travel;
  const double arriveSlack = travelSlack + (fabs(freeIn) + travel) * relativeSlack;
  if (arrive > maxPickup + arriveSlack) return INELIGIBLE;
  if (arrive > maxPickup - arriveSlack) return UNSURE;
  // max() as ternaries: the values are never NaN, and fmax is a libm call.
  const double pickupAt = arrive > ready ? arrive : ready;
  const double deliver = pickupAt + deliveryTime + handover;
  const double idle = ready - arrive > 0.0 ? ready - arrive : 0.0;
  const double scaled = (deliver + waitWeight * idle) * 10 + 0.5;
  if (relativeSlack != 0) {
    const double size = fabs(freeIn) + travel + fabs(ready) + deliveryTime + fabs(handover);
    const double scaledSlack = 10 * ((waitWeight > 1.0 ? waitWeight : 1.0) * arriveSlack + (1 + waitWeight) * size * relativeSlack);
    if (floorFast(scaled - scaledSlack) != floorFast(scaled + scaledSlack)) return UNSURE;
  }
  return scaled;
}

static void *readAll(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  *size = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  void *data = malloc(*size);
  if (fread(data, 1, *size, f) != *size) return NULL;
  fclose(f);
  return data;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: pricing_floor PAIR_FILE REPEATS\n");
    return 2;
  }
  size_t size;
  const char *data = readAll(argv[1], &size);
  if (!data) {
    fprintf(stderr, "pricing_floor: cannot read %s\n", argv[1]);
    return 2;
  }
  const int repeats = atoi(argv[2]);
  const int32_t *head = (const int32_t *)data;
  const int nc = head[0], no = head[1], np = head[2];
  const double *params = (const double *)(data + 16);
  const double maxPickup = params[0], detour = params[1], waitWeight = params[2], handover = params[3];
  const double *col = params + 4;
  const double *cLat = col, *cLng = cLat + nc, *cSpeed = cLng + nc, *cFree = cSpeed + nc;
  const double *pLat = cFree + nc, *pLng = pLat + no, *dLat = pLng + no, *dLng = dLat + no, *ready = dLng + no;
  const int32_t *pairOrder = (const int32_t *)(ready + no), *pairCourier = pairOrder + np;

  // Untimed: couriers renumbered by their first pair, so that the pricing reads them nearly in
  // sequence (as the core reads its grid's cells), not scattered by snapshot index.
  int32_t *slot = malloc(nc * sizeof(int32_t)), *courierAt = malloc(nc * sizeof(int32_t)), *pairSlot = malloc(np * sizeof(int32_t));
  int slots = 0;
  for (int c = 0; c < nc; c++) slot[c] = -1;
  for (int p = 0; p < np; p++) {
    const int c = pairCourier[p];
    if (slot[c] < 0) {
      slot[c] = slots;
      courierAt[slots++] = c;
    }
    pairSlot[p] = slot[c];
  }

  // Per courier, what a pair reads in one cache line; the exact path's values beside.
  struct Courier {
    double x, y, z, secondsPerM, inverseSpeed, freeIn, pad[2];
  } *couriers = aligned_alloc(64, nc * sizeof(struct Courier) + 64);
  double *cPhi = malloc(nc * sizeof(double)), *cLambda = malloc(nc * sizeof(double)), *cCos = malloc(nc * sizeof(double));
  double best = INFINITY;
  long eligible = 0, exact = 0;
  int64_t costSum = 0;
  for (int rep = 0; rep < repeats; rep++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    eligible = 0;
    exact = 0;
    costSum = 0;
    for (int s = 0; s < slots; s++) {
      const int c = courierAt[s];
      const double phi = cLat[c] * DEG_TO_RAD, lambda = cLng[c] * DEG_TO_RAD;
      cPhi[s] = phi;
      cLambda[s] = lambda;
      cCos[s] = cos(phi);
      couriers[s].x = cos(phi) * cos(lambda);
      couriers[s].y = cos(phi) * sin(lambda);
      couriers[s].z = sin(phi);
      couriers[s].secondsPerM = detour / cSpeed[c];
      couriers[s].inverseSpeed = 1 / cSpeed[c];
      couriers[s].freeIn = cFree[c];
    }
    int p = 0;
    while (p < np) {
      // Per order: its pickup's values and delivery distance once.
      const int o = pairOrder[p];
      const double phi = pLat[o] * DEG_TO_RAD, lambda = pLng[o] * DEG_TO_RAD, cosPhi = cos(phi);
      const double px = cos(phi) * cos(lambda), py = cos(phi) * sin(lambda), pz = sin(phi);
      const double dPhi = dLat[o] * DEG_TO_RAD;
      const double delivery = haversine(phi, lambda, cosPhi, dPhi, dLng[o] * DEG_TO_RAD, cos(dPhi)) * detour;
      const double r = ready[o];
      for (; p < np && pairOrder[p] == o; p++) {
        const int s = pairSlot[p];
        const struct Courier *k = &couriers[s];
        const double ex = k->x - px, ey = k->y - py, ez = k->z - pz;
        const double chordSquared = ex * ex + ey * ey + ez * ez;
        double scaled = UNSURE;
        if (chordSquared < SERIES_CHORD_SQUARED_LIMIT) {
          const double half = sqrt(chordSquared) * 0.5, h2 = half * half;
          const double distance = TWO_R * half * (1 + h2 * (1.0 / 6 + h2 * (3.0 / 40 + h2 * (5.0 / 112))));
          scaled = pricePair(distance * k->secondsPerM, (1e-6 + 1e-12 * distance) * k->secondsPerM, delivery * k->inverseSpeed, k->freeIn, r, maxPickup,
                             handover, waitWeight, ROUNDING_SLACK);
        }
        if (scaled == UNSURE) {
          exact++;
          const int c = courierAt[s];
          const double distance = haversine(cPhi[s], cLambda[s], cCos[s], phi, lambda, cosPhi);
          scaled = pricePair(distance * detour / cSpeed[c], 0, delivery / cSpeed[c], cFree[c], r, maxPickup, handover, waitWeight, 0);
        }
        const int isEligible = scaled != INELIGIBLE;
        eligible += isEligible;
        costSum += isEligible ? (int64_t)floorFast(scaled) : 0;
      }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    const double ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / (np > 0 ? np : 1);
    if (ns < best) best = ns;
  }
  printf("{\"ns_per_pair\": %.3f, \"eligible\": %ld, \"cost_sum\": %lld, \"exact\": %ld}\n", best, eligible, (long long)costSum, exact);
  return 0;
}
