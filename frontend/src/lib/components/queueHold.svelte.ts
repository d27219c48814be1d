// Holds the Queue's layout while the pointer is over its rows: a job that
// ends stays where it is (in Active) and a job that arrives waits, until the
// pointer leaves, so the row a user is about to click never moves. The rows
// themselves keep updating in place (status, progress, buttons).
import type { Job } from '../types';

export class LayoutHold {
  /** id -> whether it was open (not final) when the pointer came in; null: not holding. */
  #held = $state<Map<string, boolean> | null>(null);

  hold(jobs: Job[]) {
    if (!this.#held) this.#held = new Map(jobs.map((j) => [j.id, !j.final]));
  }

  release() {
    this.#held = null;
  }

  /** open says in which section a job is shown: open (Active) or not (Recent) as held, else as Go says; undefined: not shown yet. */
  open(j: Job): boolean | undefined {
    return this.#held ? this.#held.get(j.id) : !j.final;
  }
}
