/**
 * The MDRP timing rules in whole minutes, in one place so that the simulator that produces a
 * solution and the evaluator that checks it cannot disagree.
 *
 * Travel is ceil(euclidean metres / meters_per_minute). The README splits each service time in
 * halves: pickup happens half a pickup service after arrival (or when the food is ready, if
 * later) and the courier leaves half a service after the pickup; the drop-off happens half a
 * drop-off service after arrival and the courier leaves a whole service after arrival. Solution
 * files hold integer minutes, so an odd service time needs a rounding rule: every half is rounded
 * UP (ceil(s / 2)). That never lets a courier leave sooner than the README allows, and the lower
 * bound per order uses the same halves, so it stays a valid bound. All 120 shipped instances have
 * 4-minute services, where the halves are exact.
 */
import type { MdrpParameters } from './instance.js';

export function travelMin(p: MdrpParameters, ax: number, ay: number, bx: number, by: number): number {
  return Math.ceil(Math.hypot(bx - ax, by - ay) / p.metersPerMinute);
}

export function pickupHalfMin(p: MdrpParameters): number {
  return Math.ceil(p.pickupServiceMin / 2);
}

export function dropoffHalfMin(p: MdrpParameters): number {
  return Math.ceil(p.dropoffServiceMin / 2);
}

/** When a courier arriving at `arrivalMin` picks up a bundle whose last order is ready at `latestReadyMin`. */
export function pickupMomentMin(arrivalMin: number, latestReadyMin: number, p: MdrpParameters): number {
  return Math.max(latestReadyMin, arrivalMin + pickupHalfMin(p));
}

export function leaveRestaurantMin(pickupMin: number, p: MdrpParameters): number {
  return pickupMin + pickupHalfMin(p);
}

export function dropoffMomentMin(arrivalMin: number, p: MdrpParameters): number {
  return arrivalMin + dropoffHalfMin(p);
}

export function leaveCustomerMin(arrivalMin: number, p: MdrpParameters): number {
  return arrivalMin + p.dropoffServiceMin;
}
