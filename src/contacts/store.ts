// The contacts loaded so far: deduped by id, grouped by type and by label, searchable.
// Ingesting a page touches only that page's contacts, never the whole store.
import type { Contact } from '../api/types';
import { Emitter } from './emitter';
import { compareGroupKeys, GroupBy, groupKeysOf, groupLabel } from './grouping';
import { SearchIndex } from './searchIndex';

export interface GroupSummary {
	key: string;
	label: string;
	/** Contacts loaded into this group so far. */
	count: number;
}

export interface StoreChange {
	added: number;
	updated: number;
	/** Rows the store already held with the same updated_at: nothing changed since they were read. */
	unchanged: number;
	/** True when the store was emptied (refresh). */
	cleared: boolean;
}

class Grouping {
	/** Group key -> ids, in the order they were loaded (the API's order). */
	readonly members = new Map<string, string[]>();
	/** Group key -> a display name met for it. */
	readonly names = new Map<string, string>();

	constructor(readonly by: GroupBy) {}

	add(contact: Contact, keys: string[]): void {
		for (const key of keys) {
			let ids = this.members.get(key);
			if (!ids) {
				ids = [];
				this.members.set(key, ids);
				this.names.set(key, this.displayFor(contact, key));
			}
			ids.push(contact.contact_id);
		}
	}

	remove(id: string, keys: string[]): void {
		for (const key of keys) {
			const ids = this.members.get(key);
			if (!ids) continue;
			const at = ids.indexOf(id);
			if (at !== -1) ids.splice(at, 1);
			if (ids.length === 0) {
				this.members.delete(key);
				this.names.delete(key);
			}
		}
	}

	private displayFor(contact: Contact, key: string): string {
		if (this.by === 'label') return contact.labels.find((l) => l.trim().toLowerCase() === key)?.trim() ?? key;
		return contact.contact_type?.trim() ?? key;
	}
}

export class ContactStore {
	private readonly byId = new Map<string, Contact>();
	private readonly groupings: Record<GroupBy, Grouping> = { type: new Grouping('type'), label: new Grouping('label') };
	private readonly index = new SearchIndex();
	private readonly changed = new Emitter<StoreChange>();
	private reportedTotal = -1;
	private readonly strings = new Map<string, string>();
	private readonly labelSets = new Map<string, string[]>();
	private readonly typeKeyCache = new Map<string | null, string[]>();
	private lastRow: Contact | undefined;
	private readonly labelKeyCache = new WeakMap<string[], string[]>();

	readonly onDidChange = this.changed.event;

	/** Distinct contacts loaded. */
	get size(): number {
		return this.byId.size;
	}

	/** The org's total as the API last reported it, or undefined when unknown. */
	get total(): number | undefined {
		return this.reportedTotal >= 0 ? Math.max(this.reportedTotal, this.byId.size) : undefined;
	}

	set total(value: number | undefined) {
		this.reportedTotal = value ?? -1;
	}

	get(id: string): Contact | undefined {
		return this.byId.get(id);
	}

	/**
	 * Adds a page (or any batch) and takes ownership of its rows (they are compacted in place).
	 * A contact seen before is replaced and regrouped if its type or labels changed.
	 */
	ingest(page: readonly Contact[]): StoreChange {
		let added = 0;
		let updated = 0;
		let unchanged = 0;
		const indexed: Contact[] = [];
		const reindexed = new Set<string>();
		const { type, label } = this.groupings;
		for (const raw of page) {
			const contact = this.compact(raw);
			const id = contact.contact_id;
			const previous = this.byId.get(id);
			this.byId.set(id, contact);
			const typeKeys = this.typeKeys(contact);
			const labelKeys = this.labelKeys(contact);
			if (previous === undefined) {
				type.add(contact, typeKeys);
				label.add(contact, labelKeys);
				indexed.push(contact);
				added++;
				continue;
			}
			if (previous.updated_at === contact.updated_at) unchanged++;
			const oldTypeKeys = this.typeKeys(previous);
			if (!sameKeys(oldTypeKeys, typeKeys)) {
				type.remove(id, oldTypeKeys);
				type.add(contact, typeKeys);
			}
			const oldLabelKeys = this.labelKeys(previous);
			if (!sameKeys(oldLabelKeys, labelKeys)) {
				label.remove(id, oldLabelKeys);
				label.add(contact, labelKeys);
			}
			if (searchable(previous) !== searchable(contact)) {
				indexed.push(contact);
				reindexed.add(id);
			}
			updated++;
		}
		this.index.add(indexed, reindexed);
		const change = { added, updated, unchanged, cleared: false };
		if (added || updated) this.changed.fire(change);
		return change;
	}

	/** Group keys per distinct type string and per shared label set: an org has few of either. */
	private typeKeys(contact: Contact): string[] {
		let keys = this.typeKeyCache.get(contact.contact_type);
		if (keys === undefined) {
			keys = groupKeysOf(contact, 'type');
			if (this.typeKeyCache.size < 10_000) this.typeKeyCache.set(contact.contact_type, keys);
		}
		return keys;
	}

	private labelKeys(contact: Contact): string[] {
		let keys = this.labelKeyCache.get(contact.labels);
		if (keys === undefined) {
			keys = groupKeysOf(contact, 'label');
			// Only the shared (frozen) label sets are worth remembering.
			if (Object.isFrozen(contact.labels)) this.labelKeyCache.set(contact.labels, keys);
		}
		return keys;
	}

	/**
	 * Turns a row into the list row the store keeps, in place (the store owns what it ingests;
	 * a copy of every row would double the garbage of a 100,000-contact load). The avatar URL
	 * (long, and it expires) and label_ids are left to the single-contact read the detail panel
	 * makes, and repeated strings are shared: at 100,000 contacts this halves the memory.
	 */
	private compact(c: Contact): Contact {
		// Rows in a page mostly share the org id and often the type: compare with the row
		// before first, a cheap string compare instead of a hash lookup.
		const before = this.lastRow;
		c.contact_type = before && c.contact_type === before.contact_type ? before.contact_type : this.intern(c.contact_type);
		c.contact_color = this.intern(c.contact_color);
		c.contact_image = null;
		c.label_ids = null;
		c.labels = this.labelSet(c.labels);
		c.org_id = before && c.org_id === before.org_id ? before.org_id : this.intern(c.org_id);
		this.lastRow = c;
		return c;
	}

	/** Identical label lists share one frozen array: an org has few distinct combinations. */
	private labelSet(labels: string[]): string[] {
		if (labels.length === 0) return NO_LABELS;
		const key = labels.length === 1 ? labels[0] : labels.join('\u0000');
		let shared = this.labelSets.get(key);
		// A label holding the separator could collide with a list of two: compare before sharing.
		if (shared !== undefined && !sameKeys(shared, labels)) return labels;
		if (shared === undefined) {
			shared = Object.freeze(labels.map((l) => this.intern(l)!)) as string[];
			if (this.labelSets.size < 10_000) this.labelSets.set(key, shared);
		}
		return shared;
	}

	private intern(value: string | null): string | null {
		if (value === null) return null;
		let shared = this.strings.get(value);
		if (shared === undefined) {
			// Only small vocabularies (types, colours, labels, org ids) come here; cap it anyway.
			if (this.strings.size > 10_000) return value;
			this.strings.set(value, value);
			shared = value;
		}
		return shared;
	}

	/** Empties the store (refresh). */
	clear(): void {
		this.byId.clear();
		for (const grouping of Object.values(this.groupings)) {
			grouping.members.clear();
			grouping.names.clear();
		}
		this.index.clear();
		this.strings.clear();
		this.labelSets.clear();
		this.typeKeyCache.clear();
		this.lastRow = undefined;
		this.reportedTotal = -1;
		this.changed.fire({ added: 0, updated: 0, unchanged: 0, cleared: true });
	}

	/** The groups in display order with their loaded counts. */
	groups(by: GroupBy): GroupSummary[] {
		const grouping = this.groupings[by];
		return [...grouping.members.keys()]
			.sort((a, b) => compareGroupKeys(a, b, by))
			.map((key) => ({ key, label: groupLabel(key, by, grouping.names.get(key)), count: grouping.members.get(key)!.length }));
	}

	/** A slice of one group's contacts, in load order. */
	groupContacts(by: GroupBy, key: string, start = 0, end?: number): Contact[] {
		const ids = this.groupings[by].members.get(key) ?? [];
		return ids.slice(start, end).map((id) => this.byId.get(id)!);
	}

	groupSize(by: GroupBy, key: string): number {
		return this.groupings[by].members.get(key)?.length ?? 0;
	}

	/** The first `limit` contacts in load order (the API lists the most recently updated first). */
	first(limit: number): Contact[] {
		const out: Contact[] = [];
		for (const contact of this.byId.values()) {
			if (out.length >= limit) break;
			out.push(contact);
		}
		return out;
	}

	/**
	 * Builds the search index for contacts not indexed yet (it is built lazily, on the first
	 * search after an ingest). Call when a search is about to start, so the first keystroke is quick.
	 */
	prepareSearch(): void {
		this.index.flush();
	}

	/** Up to `limit` contacts matching a name, number or label fragment, best first. */
	search(query: string, limit = 50): Contact[] {
		return this.index.search(query, limit).map((id) => this.byId.get(id)!);
	}

	dispose(): void {
		this.changed.dispose();
	}
}

const NO_LABELS = Object.freeze([]) as unknown as string[];

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
	if (a === b) return true;
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

function searchable(c: Contact): string {
	return `${c.contact_name}\u0000${c.labels.join('\u0000')}`;
}
