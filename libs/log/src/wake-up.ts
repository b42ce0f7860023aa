/**
 * A sleep that can be cut short: a polling loop waits for its interval or
 * until someone (a notification, stop()) wakes it, whichever comes first.
 */
export class WakeableSleep {
  private wake?: () => void;
  private stopped = false;

  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  wakeUp(): void {
    this.wake?.();
  }

  /** Wakes the sleeper and makes later sleeps return at once. */
  stop(): void {
    this.stopped = true;
    this.wakeUp();
  }

  restart(): void {
    this.stopped = false;
  }
}
