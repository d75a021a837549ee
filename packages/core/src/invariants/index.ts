/**
 * The platform's rules (DESIGN.md §6), each a small function over the repository view.
 * They run in `generate` before anything is written, and in `validate`.
 */
import type { Issue } from '../issues.js';
import type { RepoView } from '../repo-view.js';
import { app1, app2, app3, git1, lay1, phs1 } from './apps.js';
import { eso1 } from './eso-1.js';
import { iso1 } from './iso-1.js';
import { iso2 } from './iso-2.js';
import { sec1 } from './sec-1.js';
import { sec2 } from './sec-2.js';
import { vlt1 } from './vlt-1.js';

export interface Invariant {
  readonly id: string;
  readonly rule: string;
  check(view: RepoView): Issue[];
}

export const INVARIANTS: readonly Invariant[] = [
  git1,
  app1,
  app2,
  app3,
  lay1,
  iso1,
  iso2,
  eso1,
  sec1,
  sec2,
  vlt1,
  phs1,
];

export function checkInvariants(view: RepoView, invariants: readonly Invariant[] = INVARIANTS): Issue[] {
  return invariants.flatMap((invariant) => invariant.check(view));
}
