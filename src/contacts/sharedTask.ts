// One piece of work several callers wait for: each caller's cancel ends only its own wait;
// the work itself stops when its owner aborts it (a reset) or when nobody waits any more.
import { cancelledError } from '../api/retry';

export class SharedTask<T> {
	private waiters = 0;
	private readonly controller = new AbortController();
	private readonly result: Promise<T>;
	private settled = false;

	/** `run` gets the task's own signal; `owner` (e.g. the loader's generation) aborts it too. */
	constructor(run: (signal: AbortSignal) => Promise<T>, owner?: AbortSignal) {
		const onOwnerAbort = () => this.controller.abort();
		if (owner?.aborted) this.controller.abort();
		else owner?.addEventListener('abort', onOwnerAbort, { once: true });
		this.result = Promise.resolve()
			.then(() => run(this.controller.signal))
			.finally(() => {
				this.settled = true;
				owner?.removeEventListener('abort', onOwnerAbort);
			});
		// Awaited through join(); a task everyone left must not become an unhandled rejection.
		this.result.catch(() => undefined);
	}

	get signal(): AbortSignal {
		return this.controller.signal;
	}
	get done(): boolean {
		return this.settled;
	}
	/** Resolves when the task has ended, however it ended; watching it is not waiting for it. */
	get ended(): Promise<void> {
		return this.result.then(
			() => undefined,
			() => undefined,
		);
	}

	/** Waits for the task; `signal` ends this wait only (and the task, if this was its last waiter). */
	join(signal?: AbortSignal): Promise<T> {
		if (signal?.aborted) return Promise.reject(cancelledError());
		this.waiters++;
		return new Promise<T>((resolve, reject) => {
			let left = false;
			const leave = () => {
				if (left) return;
				left = true;
				signal?.removeEventListener('abort', onAbort);
				this.waiters--;
			};
			const onAbort = () => {
				leave();
				if (this.waiters === 0 && !this.settled) this.controller.abort();
				reject(cancelledError());
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.result.then(
				(value) => {
					leave();
					resolve(value);
				},
				(error: unknown) => {
					leave();
					reject(error);
				},
			);
		});
	}
}
