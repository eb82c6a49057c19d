// Writes to contacts, with the rules that keep them honest. An edit shows at once (the store
// changes, so the tree, the search and the panel follow); a refused or failed write is undone
// and the outcome names who changed and who did not. A write that timed out or lost its
// connection may have been applied: it is never sent again; the contacts are read back and the
// store takes what the server has. No `vscode` import.
import { isApiError, PeriskopeApiError } from '../api/errors';
import type { ContactUpdate } from '../api/client';
import type { Contact } from '../api/types';
import { Emitter } from './emitter';
import { clip, displayName } from './format';
import { LabelPlan, labelBatches, sameLabels } from './labelEdits';
import type { ContactStore } from './store';

/** The client calls an edit needs (PeriskopeClient has them). */
export interface WriteClient {
	setLabels(contactIds: readonly string[], labels: readonly string[]): Promise<void>;
	updateContact(contactId: string, fields: ContactUpdate): Promise<Contact | undefined>;
	getContact(contactId: string): Promise<Contact>;
}

export interface EditOutcome {
	/** Every contact ended as asked. */
	ok: boolean;
	/** Contacts changed on Periskope. */
	changed: string[];
	/** Contacts not changed (their edit was undone in the view). */
	unchanged: string[];
	/** Contacts whose state could not be learned (a lost answer and a failed read-back); shown as before the edit. */
	unknown: string[];
	/** One sentence for the user; empty when all went well. */
	message: string;
	/** The failure behind a partial or failed edit. */
	error?: PeriskopeApiError;
}

/** An answer that may never have come although the server acted: only a read tells. */
export function isAmbiguous(error: unknown): boolean {
	return isApiError(error, 'timeout') || isApiError(error, 'network');
}

type Fields = Partial<Pick<Contact, 'contact_name' | 'is_internal' | 'labels'>>;
/** Per edited contact: as it was, and the optimistic copy the store got. */
type Undo = Map<string, { before: Contact; mine: Contact }>;

export class ContactEditor {
	private readonly edited = new Emitter<readonly Contact[]>();
	/** Fires with the contacts as the store now has them, after each optimistic change, undo or read-back. */
	readonly onDidEdit = this.edited.event;

	constructor(
		private readonly store: ContactStore,
		private readonly client: () => WriteClient,
	) {}

	/** Applies a label plan: optimistic, one request per distinct result, stops at the first failure. */
	async setLabels(plan: LabelPlan): Promise<EditOutcome> {
		const batches = labelBatches(plan);
		const undo: Undo = new Map();
		for (const batch of batches) {
			const after = plan.changes.find((c) => c.contact === batch.contacts[0])!.after;
			for (const contact of batch.contacts) this.apply(contact, { labels: after }, undo);
		}
		this.fire(undo.keys());
		const changed: string[] = [];
		for (let i = 0; i < batches.length; i++) {
			const batch = batches[i];
			const ids = batch.contacts.map((c) => c.contact_id);
			try {
				await this.client().setLabels(ids, batch.labels);
				changed.push(...ids);
			} catch (e) {
				const rest = batches.slice(i + 1).flatMap((b) => b.contacts.map((c) => c.contact_id));
				const settled = await this.settle(ids, e, (c) => sameLabels(c.labels, batch.labels), undo);
				this.undo(rest, undo);
				this.fire([...ids, ...rest]);
				return this.outcome([...changed, ...settled.changed], [...settled.unchanged, ...rest], settled.unknown, settled.error, 'labels');
			}
		}
		return this.outcome(changed, [], [], undefined, 'labels');
	}

	/** Renames a contact or sets whether it is internal: optimistic, undone on failure. */
	async update(contactId: string, fields: ContactUpdate): Promise<EditOutcome> {
		const undo: Undo = new Map();
		this.apply(this.store.get(contactId), fields, undo);
		this.fire([contactId]);
		try {
			const echoed = await this.client().updateContact(contactId, fields);
			// The server's answer is the truth (it may have trimmed the name, say); without one, ours stands.
			if (echoed && echoed.contact_id === contactId) this.takeServer(echoed);
			this.fire([contactId]);
			return this.outcome([contactId], [], [], undefined, what(fields));
		} catch (e) {
			const settled = await this.settle([contactId], e, (c) => matchesFields(c, fields), undo);
			this.fire([contactId]);
			return this.outcome(settled.changed, settled.unchanged, settled.unknown, settled.error, what(fields));
		}
	}

	/**
	 * After a failed write to `ids`: a refusal or an error before sending means nothing changed (undo);
	 * a lost answer means read each contact back and keep what the server has. Never re-sends.
	 */
	private async settle(
		ids: string[],
		error: unknown,
		applied: (server: Contact) => boolean,
		undo: Undo,
	): Promise<{ changed: string[]; unchanged: string[]; unknown: string[]; error: PeriskopeApiError }> {
		const apiError = isApiError(error) ? error : new PeriskopeApiError('http', error instanceof Error ? error.message : String(error));
		if (!isAmbiguous(error)) {
			this.undo(ids, undo);
			return { changed: [], unchanged: ids, unknown: [], error: apiError };
		}
		const changed: string[] = [];
		const unchanged: string[] = [];
		const unknown: string[] = [];
		for (const id of ids) {
			try {
				const server = await this.client().getContact(id);
				this.takeServer(server);
				(applied(server) ? changed : unchanged).push(id);
			} catch {
				this.undo([id], undo);
				unknown.push(id);
			}
		}
		return { changed, unchanged, unknown, error: apiError };
	}

	private apply(contact: Contact | undefined, fields: Fields, undo: Undo): void {
		if (!contact) return;
		const before = this.store.applyFields(contact.contact_id, fields);
		if (before && !undo.has(contact.contact_id)) undo.set(contact.contact_id, { before, mine: this.store.get(contact.contact_id)! });
	}

	/**
	 * Puts contacts back as they were before the edit, unless the store moved on meanwhile (a
	 * refresh emptied it, or a page brought a newer copy): that copy is fresher than ours.
	 */
	private undo(ids: readonly string[], undo: Undo): void {
		const rows = ids.flatMap((id) => {
			const entry = undo.get(id);
			return entry && this.store.get(id) === entry.mine ? [{ ...entry.before }] : [];
		});
		if (rows.length) this.store.ingest(rows);
	}

	/** The server's copy of a contact replaces the store's (when the store has it). */
	private takeServer(server: Contact): void {
		if (!this.store.get(server.contact_id)) return;
		const { chat_ids: _chats, ...row } = server;
		void _chats;
		this.store.ingest([row as Contact]);
	}

	private fire(ids: Iterable<string>): void {
		const contacts = [...ids].flatMap((id) => {
			const c = this.store.get(id);
			return c ? [c] : [];
		});
		if (contacts.length) this.edited.fire(contacts);
	}

	private outcome(changed: string[], unchanged: string[], unknown: string[], error: PeriskopeApiError | undefined, thing: string): EditOutcome {
		const ok = unchanged.length === 0 && unknown.length === 0;
		return { ok, changed, unchanged, unknown, error, message: ok && !error ? '' : this.explain(changed, unchanged, unknown, error, thing) };
	}

	/** E.g. "Labels not changed: Periskope refused the change (422): …. Changed on 2 of 5; not on Ada, Bo, Cy." */
	private explain(changed: string[], unchanged: string[], unknown: string[], error: PeriskopeApiError | undefined, thing: string): string {
		const total = changed.length + unchanged.length + unknown.length;
		const names = (ids: string[]) => {
			const shown = ids.slice(0, 3).map((id) => clip(displayName(this.store.get(id) ?? { contact_id: id, contact_name: null }), 40));
			return ids.length > 3 ? `${shown.join(', ')} and ${ids.length - 3} more` : shown.join(', ');
		};
		const reason = error ? reasonOf(error) : '';
		const parts: string[] = [];
		if (changed.length === 0 && unknown.length === 0) parts.push(`${capital(thing)} not changed${total > 1 ? ` on any of the ${total} contacts` : ''}: ${reason}`);
		else parts.push(`${capital(thing)} changed on ${changed.length} of ${total}: ${reason}`);
		if (isAmbiguous(error)) parts.push('The request was not sent again; the contacts were read back from Periskope.');
		if (changed.length) parts.push(`Changed: ${names(changed)}.`);
		if (unchanged.length && (changed.length || unknown.length)) parts.push(`Not changed: ${names(unchanged)}.`);
		if (unknown.length) parts.push(`Could not read back ${names(unknown)}: it may have changed; refresh to see.`);
		return parts.join(' ');
	}

	dispose(): void {
		this.edited.dispose();
	}
}

function what(fields: ContactUpdate): string {
	if (fields.contact_name !== undefined) return 'the name';
	return 'internal';
}

function capital(s: string): string {
	return s.charAt(0).toUpperCase() + s.slice(1);
}

function reasonOf(error: PeriskopeApiError): string {
	switch (error.kind) {
		case 'validation':
			return `Periskope refused the change${error.status ? ` (${error.status})` : ''}${error.apiMessage ? `: ${error.apiMessage}` : ''}.`;
		case 'timeout':
			return 'Periskope did not answer in time.';
		case 'network':
			return 'the connection to Periskope failed before an answer came.';
		default:
			return error.message.endsWith('.') ? error.message : `${error.message}.`;
	}
}

function matchesFields(c: Contact, fields: ContactUpdate): boolean {
	if (fields.contact_name !== undefined && c.contact_name !== fields.contact_name) return false;
	if (fields.is_internal !== undefined && c.is_internal !== fields.is_internal) return false;
	return true;
}
