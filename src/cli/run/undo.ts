/**
 * What a half-started session has to take down again. Start-up registers each thing it opens (the
 * state directory, the venue connection, the runtime's timers) as it opens it; when a later step
 * fails, everything registered is closed, newest first, and the failure goes on unchanged. A step
 * that fails to close is skipped: the first failure is the one to report.
 */
export class Undo {
  private readonly steps: ((reason: string) => unknown)[] = [];

  /** Registers a closer; it gets the reason start-up failed. */
  push(step: (reason: string) => unknown): void {
    this.steps.push(step);
  }

  /** Closes everything registered, newest first. */
  async run(reason: string): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step(reason);
      } catch {
        // Taking down what failed to start: the failure that stopped it is what gets reported.
      }
    }
  }
}
