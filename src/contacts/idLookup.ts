// Answers "who is this id?" for ids the store does not hold (not loaded yet, or not in the org):
// one `GET /contacts/{id}` at most per id, shared by every hover asking at the same time (a
// hover's cancel ends only its own wait; the request stops when nobody waits), and the answer
// kept for the session, "not found" included. A failure (network, server) is kept for a minute,
// so a flaky server is not asked again on every hover. No `vscode` import.
import type { Contact } from '../api/types';
import { SharedTask } from './sharedTask';

export interface ContactLookupOptions {
	/** The single-contact read (the session's getContact). */
	fetch(contactId: string, signal: AbortSignal): Promise<Contact>;
	/** The fetch failed because the id is not in the org (a 404). */
	isNotFound(error: unknown): boolean;
	/** Called once per failure that is not a 404 or a cancel, for the log. */
	onFailure?(contactId: string, error: unknown): void;
	now?(): number;
	/** How long a failed read is remembered (ms); default 60 s. */
	failureTtlMs?: number;
	/** Answers kept at most (oldest dropped first); default 5,000. */
	maxAnswers?: number;
}

interface Answer {
	/** null: not in the org, or the read failed. */
	contact: Contact | null;
	/** When the answer expires (ms, `now()` clock); Infinity for the session. */
	until: number;
}

export class ContactLookup {
	private readonly answers = new Map<string, Answer>();
	private readonly inFlight = new Map<string, SharedTask<Contact | null>>();
	/** Aborted by clear(): the reads of a previous sign-in or API address end and are not kept. */
	private generation = new AbortController();
	private readonly now: () => number;

	constructor(private readonly options: ContactLookupOptions) {
		this.now = options.now ?? (() => Date.now());
	}

	/** The kept answer: a contact, null (not found / failed recently), or undefined (not asked yet, or expired). */
	cached(contactId: string): Contact | null | undefined {
		const answer = this.answers.get(contactId);
		if (!answer) return undefined;
		if (answer.until <= this.now()) {
			this.answers.delete(contactId);
			return undefined;
		}
		return answer.contact;
	}

	/** Reads in flight, for tests. */
	get pending(): number {
		return this.inFlight.size;
	}

	/**
	 * The contact for `contactId`, or undefined when it is not in the org or cannot be read now.
	 * Rejects only when `signal` aborts (a cancelled hover).
	 */
	async lookup(contactId: string, signal?: AbortSignal): Promise<Contact | undefined> {
		const known = this.cached(contactId);
		if (known !== undefined) return known ?? undefined;
		let task = this.inFlight.get(contactId);
		if (!task) {
			const generation = this.generation.signal;
			const started = new SharedTask((own) => this.read(contactId, own, generation), generation);
			task = started;
			this.inFlight.set(contactId, started);
			void started.ended.then(() => {
				if (this.inFlight.get(contactId) === started) this.inFlight.delete(contactId);
			});
		}
		const contact = await task.join(signal);
		return contact ?? undefined;
	}

	private async read(contactId: string, signal: AbortSignal, generation: AbortSignal): Promise<Contact | null> {
		try {
			const contact = await this.options.fetch(contactId, signal);
			if (!generation.aborted) this.keep(contactId, contact, Infinity);
			return contact;
		} catch (e) {
			// Cancelled (everyone left, or cleared): nothing learned, the next hover asks again.
			if (signal.aborted || generation.aborted) throw e;
			if (this.options.isNotFound(e)) {
				this.keep(contactId, null, Infinity);
			} else {
				this.keep(contactId, null, this.now() + (this.options.failureTtlMs ?? 60_000));
				this.options.onFailure?.(contactId, e);
			}
			return null;
		}
	}

	private keep(contactId: string, contact: Contact | null, until: number): void {
		this.answers.delete(contactId);
		this.answers.set(contactId, { contact, until });
		const max = this.options.maxAnswers ?? 5000;
		if (this.answers.size > max) this.answers.delete(this.answers.keys().next().value!);
	}

	/** Forgets every answer and stops every read (signed out, another API address, a refresh). */
	clear(): void {
		this.generation.abort();
		this.generation = new AbortController();
		this.inFlight.clear();
		this.answers.clear();
	}

	dispose(): void {
		this.clear();
	}
}
