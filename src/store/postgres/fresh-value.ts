/**
 * A value read from elsewhere (a database's WAL position), shared by concurrent callers without
 * ever handing one of them a value older than its call: `get()` resolves with a read that started
 * after it was called. One read runs at a time; callers arriving while it runs wait for the next
 * one, which serves all of them. Under load that is one read per round trip, whatever the callers.
 */
export class FreshValue<T> {
  private inFlight: Promise<T> | undefined;
  private next: Promise<T> | undefined;

  constructor(private readonly read: () => Promise<T>) {}

  get(): Promise<T> {
    if (!this.inFlight) {
      const started = this.read().finally(() => {
        this.inFlight = undefined;
      });
      this.inFlight = started;
      return started;
    }
    // The read in flight began before this call: wait for the one after it.
    this.next ??= this.inFlight
      .catch(() => {})
      .then(() => {
        this.next = undefined;
        return this.get();
      });
    return this.next;
  }
}
