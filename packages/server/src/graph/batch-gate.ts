/**
 * Holds back the batches of a request's leaf loaders (a unit's figures) while the request has a
 * list statement in flight (the units of the next level), so the leaves of every level the
 * lists bring in join one batch: province → cities → counties with their figures costs one
 * statement per list level plus one for all the figures, not one for each level's figures.
 *
 * It adds no round trip: the lists are fetched one level after another anyway, and the held
 * batch goes out when the deepest list has arrived and the fields it brought in have asked for
 * their figures (the microtasks that follow its answer run before `setImmediate`). Nothing a
 * list statement waits for is ever held, so the two cannot wait on each other.
 */
export class BatchGate {
  #inFlight = 0;
  #held: (() => void)[] = [];
  #armed = false;

  /** Counts a list statement as in flight until it settles. */
  track<T>(statement: Promise<T>): Promise<T> {
    this.#inFlight += 1;
    return statement.finally(() => {
      this.#inFlight -= 1;
      this.#arm();
    });
  }

  /** A DataLoader `batchScheduleFn`: dispatches once no list statement is in flight. */
  readonly schedule = (dispatch: () => void): void => {
    this.#held.push(dispatch);
    this.#arm();
  };

  #arm(): void {
    if (this.#armed || this.#inFlight > 0 || this.#held.length === 0) return;
    this.#armed = true;
    setImmediate(() => {
      this.#armed = false;
      // A list sent meanwhile (by a field the last answer brought in) re-arms when it settles.
      if (this.#inFlight > 0) return;
      for (const dispatch of this.#held.splice(0)) dispatch();
    });
  }
}
