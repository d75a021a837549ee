/**
 * Sync waves from the phase model (DESIGN.md §5): every Application's wave lies in its phase's band, so
 * waves are monotonic in phase by construction, and PHS-1 can check hand-written Applications the same way.
 */
import type { Phase } from '@platform-gen/core';

const BAND = 10;

/** The wave of the `order`-th Application of a phase (order 0..9). */
export function waveOf(phase: Phase, order = 0): number {
  if (order < 0 || order >= BAND) throw new Error(`order ${order} is outside a phase's band`);
  return phase * BAND + order;
}

/** The phase a wave belongs to. */
export function phaseOfWave(wave: number): number {
  return Math.floor(wave / BAND);
}
