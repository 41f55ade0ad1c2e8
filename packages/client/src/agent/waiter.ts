/** A sleep that another part of the agent can cut short (a result to report, a slot freed, stop). */
export class Waiter {
  private wakeUp?: () => void;
  private pending = false;

  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wakeNow(), ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
    });
  }

  /** Ends the current sleep, or the next one at once when none is under way. */
  wake(): void {
    if (this.wakeUp) this.wakeNow();
    else this.pending = true;
  }

  private wakeNow() {
    this.pending = false;
    this.wakeUp?.();
  }
}
