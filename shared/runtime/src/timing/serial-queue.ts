/**
 * Runs async sections one at a time, in the order they were queued. A failed section rejects its
 * own caller only; the sections after it still run.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(section: () => Promise<T>): Promise<T> {
    const next = this.tail.then(section, section);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Resolves once every section queued so far has settled. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
