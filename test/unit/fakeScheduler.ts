// A scheduler for the search index's background slices that runs them only when a test says,
// with a clock the test controls: slicing is tested by the clock, never by wall time.
import type { IndexScheduler } from '../../src/contacts/searchIndex';

/** A scheduler whose tasks run only when the test says, and whose clock moves by `tick` per read. */
export class FakeScheduler implements IndexScheduler {
	time = 0;
	reads = 0;
	private tasks: { run: () => void; cancelled: boolean }[] = [];

	constructor(private readonly tick = 1) {}

	now(): number {
		this.reads++;
		this.time += this.tick;
		return this.time;
	}

	schedule(run: () => void): () => void {
		const task = { run, cancelled: false };
		this.tasks.push(task);
		return () => {
			task.cancelled = true;
		};
	}

	get queued(): number {
		return this.tasks.filter((t) => !t.cancelled).length;
	}

	/** Runs up to `n` queued tasks (each may queue the next); returns how many ran. */
	run(n = Infinity): number {
		let ran = 0;
		while (ran < n) {
			const task = this.tasks.shift();
			if (!task) break;
			if (task.cancelled) continue;
			task.run();
			ran++;
		}
		return ran;
	}
}
