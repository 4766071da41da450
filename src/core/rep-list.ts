/** C2: who appears on the portal's representative list, and in which order. */

export interface RepListCandidate {
  id: string;
  name: string;
  displayNumber: number;
  /** A1: holds a console connection or is within the grace period. */
  loggedIn: boolean;
  /** The rep's own "show me on the representative list" switch. */
  showOnRepList: boolean;
  /** The policy allows listing. */
  canBeListed: boolean;
  disabled: boolean;
}

export function isListed(rep: RepListCandidate): boolean {
  return rep.loggedIn && rep.showOnRepList && rep.canBeListed && !rep.disabled;
}

/** Listed reps in order of display number, then name (then id, so the order is total). */
export function representativeList<T extends RepListCandidate>(candidates: readonly T[]): T[] {
  return candidates
    .filter(isListed)
    .sort((a, b) => a.displayNumber - b.displayNumber || a.name.localeCompare(b.name, 'en') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
