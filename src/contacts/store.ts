// The contacts loaded so far: deduped by id, grouped by type and by label, searchable.
// Each contact has a row number, given when it is first loaded: rows are load order (the API's
// order), and groups and search results keep it. Ingesting a page touches only that page's
// contacts, never the whole store: a new contact is an append to its groups, a changed one a
// binary search and a shift within a block of at most 1,024 in each group it leaves or joins
// (RowList), and the search index takes both in slices in the background (SearchIndex). Removed
// contacts leave holes in the rows, renumbered away once they outnumber the contacts.
import type { Contact } from '../api/types';
import { Emitter } from './emitter';
import { compareGroupKeys, GroupBy, groupKeysOf, groupLabel } from './grouping';
import { RowList } from './rowList';
import { IndexStats, SearchIndex, SearchIndexOptions } from './searchIndex';

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
	/** Contacts dropped by remove(); only on its events. */
	removed?: number;
	/** Rows this load had not delivered before (new to the store, or until now only known from the cache). */
	fresh: number;
}

/** Where ingested rows come from: a page of the API, or the persistent cache (to be revalidated). */
export type RowSource = 'api' | 'cache';

export interface ContactStoreOptions extends SearchIndexOptions {
	/** Holes (removed contacts) tolerated before rows are renumbered, at least; for tests. */
	compactHoles?: number;
}

class Grouping {
	/** Group key -> rows, in load order. */
	readonly members = new Map<string, RowList>();
	/** Group key -> a display name met for it. */
	readonly names = new Map<string, string>();

	constructor(readonly by: GroupBy) {}

	add(contact: Contact, row: number, keys: readonly string[]): void {
		for (const key of keys) {
			let rows = this.members.get(key);
			if (!rows) {
				rows = new RowList();
				this.members.set(key, rows);
				this.names.set(key, this.displayFor(contact, key));
			}
			rows.add(row);
		}
	}

	remove(row: number, keys: readonly string[]): void {
		for (const key of keys) {
			const rows = this.members.get(key);
			if (!rows) continue;
			rows.remove(row);
			if (rows.size === 0) {
				this.members.delete(key);
				this.names.delete(key);
			}
		}
	}

	/** Moves a row from the groups of `before` to those of `after`, touching only the difference. */
	move(contact: Contact, row: number, before: readonly string[], after: readonly string[]): void {
		if (sameKeys(before, after)) return;
		this.remove(row, before.filter((k) => !after.includes(k)));
		this.add(contact, row, after.filter((k) => !before.includes(k)));
	}

	private displayFor(contact: Contact, key: string): string {
		if (this.by === 'label') return contact.labels.find((l) => l.trim().toLowerCase() === key)?.trim() ?? key;
		return contact.contact_type?.trim() ?? key;
	}
}

export class ContactStore {
	/** Id -> row. */
	private readonly byId = new IdMap();
	/** Row -> contact; undefined where a contact was removed (a hole, until compactRows). */
	private rows: (Contact | undefined)[] = [];
	private holes = 0;
	/** 1 for a row only known from the cache: no page of this load has delivered it yet. */
	private fromCache = new Uint8Array(0);
	private cachedRows = 0;
	private readonly compactHoles: number;
	private readonly groupings: Record<GroupBy, Grouping> = { type: new Grouping('type'), label: new Grouping('label') };
	private readonly index: SearchIndex;
	private readonly changed = new Emitter<StoreChange>();
	private reportedTotal = -1;
	private readonly strings = new Map<string, string>();
	private readonly labelSets = new Map<string, string[]>();
	private readonly typeKeyCache = new Map<string | null, string[]>();
	private lastRow: Contact | undefined;
	private readonly labelKeyCache = new WeakMap<string[], string[]>();

	readonly onDidChange = this.changed.event;

	constructor(options: ContactStoreOptions = {}) {
		this.compactHoles = options.compactHoles ?? 4096;
		const rows = () => this.rows;
		this.index = new SearchIndex(
			{
				get count() {
					return rows().length;
				},
				row: (row) => this.rows[row],
			},
			options,
		);
	}

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
		const row = this.byId.get(id);
		return row === undefined ? undefined : this.rows[row];
	}

	/**
	 * Adds a page (or any batch) and takes ownership of its rows (they are compacted in place).
	 * A contact seen before is replaced, keeps its place in load order, and is regrouped and
	 * re-indexed if its type, labels or name changed.
	 */
	ingest(page: readonly Contact[], source: RowSource = 'api'): StoreChange {
		let added = 0;
		let updated = 0;
		let unchanged = 0;
		let fresh = 0;
		let edited = 0;
		const { type, label } = this.groupings;
		const cached = source === 'cache' ? 1 : 0;
		// Cached rows share one labels array per label set (the file's dictionary): look each up once.
		const sharedLabels = source === 'cache' ? new Map<string[], string[]>() : undefined;
		for (const raw of page) {
			const contact = this.compact(raw, sharedLabels);
			const id = contact.contact_id;
			const row = this.byId.get(id);
			if (row === undefined) {
				const next = this.rows.length;
				this.rows.push(contact);
				this.byId.set(id, next);
				this.markRow(next, cached);
				type.add(contact, next, this.typeKeys(contact));
				label.add(contact, next, this.labelKeys(contact));
				added++;
				fresh++;
				continue;
			}
			// A cached row never replaces one the store already has: that one is as fresh or fresher.
			if (cached) {
				unchanged++;
				continue;
			}
			const previous = this.rows[row]!;
			this.rows[row] = contact;
			const wasCached = this.fromCache[row] === 1;
			if (wasCached && !cached) {
				// The first page of this load that delivers a cached row: it is revalidated.
				fresh++;
				this.markRow(row, 0);
			} else if (previous.updated_at === contact.updated_at) unchanged++;
			const nameOrLabels = previous.contact_name !== contact.contact_name || !sameKeys(previous.labels, contact.labels);
			if (nameOrLabels || previous.updated_at !== contact.updated_at || previous.contact_type !== contact.contact_type) edited++;
			type.move(contact, row, this.typeKeys(previous), this.typeKeys(contact));
			label.move(contact, row, this.labelKeys(previous), this.labelKeys(contact));
			if (nameOrLabels) this.index.changed(row);
			updated++;
		}
		if (added) this.index.grew();
		const change = { added, updated, unchanged, cleared: false, fresh };
		// A revalidation mostly re-reads what the cache showed: only a real change re-renders.
		if (added || edited) this.changed.fire(change);
		return change;
	}

	/** Contacts shown from the cache that no page of this load has delivered (yet). */
	get unrevalidated(): number {
		return this.cachedRows;
	}

	/**
	 * After a load that proved it saw every contact: drops the cached ones it did not see (they
	 * were deleted on Periskope). Returns how many went.
	 */
	removeUnrevalidated(): number {
		if (this.cachedRows === 0) return 0;
		const ids: string[] = [];
		for (let row = 0; row < this.rows.length; row++) {
			const contact = this.rows[row];
			if (contact !== undefined && this.fromCache[row] === 1) ids.push(contact.contact_id);
		}
		return this.remove(ids);
	}

	/** Every contact in load order (for the persistent cache). */
	all(): Contact[] {
		return this.first(this.byId.size);
	}

	private markRow(row: number, cached: number): void {
		if (row >= this.fromCache.length) {
			if (cached === 0 && this.cachedRows === 0) return; // nothing cached: no marks needed
			const grown = new Uint8Array(Math.max(1024, row + 1, this.fromCache.length * 2));
			grown.set(this.fromCache);
			this.fromCache = grown;
		}
		const before = this.fromCache[row]!;
		if (before === cached) return;
		this.fromCache[row] = cached;
		this.cachedRows += cached - before;
	}

	/**
	 * Changes some fields of a loaded contact at once (an edit the user just made, or its undo):
	 * the contact is replaced by an edited copy, regrouped and re-indexed like any update.
	 * Returns the contact as it was, or undefined when it is not loaded.
	 */
	applyFields(id: string, fields: Partial<Pick<Contact, 'contact_name' | 'is_internal' | 'labels'>>): Contact | undefined {
		const row = this.byId.get(id);
		const before = row === undefined ? undefined : this.rows[row];
		if (row === undefined || before === undefined) return undefined;
		// An edit is not a page: a cached row stays to be revalidated by the next load.
		const cached = this.fromCache[row] === 1;
		this.ingest([{ ...before, ...fields }]);
		if (cached) this.markRow(row, 1);
		return before;
	}

	/**
	 * Drops contacts by id (ones deleted on the server); unknown ids are ignored. Returns how many
	 * went. Each costs a binary search per group it was in; the search index reclaims their entries
	 * in the background.
	 */
	remove(ids: Iterable<string>): number {
		let removed = 0;
		const { type, label } = this.groupings;
		for (const id of ids) {
			const row = this.byId.get(id);
			if (row === undefined) continue;
			const contact = this.rows[row]!;
			type.remove(row, this.typeKeys(contact));
			label.remove(row, this.labelKeys(contact));
			this.index.removed(row);
			this.markRow(row, 0);
			this.rows[row] = undefined;
			this.byId.delete(id);
			this.holes++;
			removed++;
		}
		if (this.holes > this.compactHoles && this.holes > this.byId.size) this.compactRows();
		if (removed) this.changed.fire({ added: 0, updated: 0, unchanged: 0, cleared: false, removed, fresh: 0 });
		return removed;
	}

	/** Renumbers rows without the holes removals left (order kept): when holes outnumber contacts. */
	private compactRows(): void {
		const count = this.rows.length;
		const prefix = new Int32Array(count + 1);
		let next = 0;
		for (let row = 0; row < count; row++) {
			prefix[row] = next;
			const contact = this.rows[row];
			if (contact !== undefined) {
				if (row < this.fromCache.length) this.fromCache[next] = this.fromCache[row]!;
				this.rows[next++] = contact;
			}
		}
		if (next < this.fromCache.length) this.fromCache.fill(0, next);
		prefix[count] = next;
		this.rows.length = next;
		this.byId.renumber(prefix);
		for (const grouping of Object.values(this.groupings)) for (const rows of grouping.members.values()) rows.renumber(prefix);
		this.index.renumber(prefix);
		this.holes = 0;
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
	private compact(c: Contact, sharedLabels?: Map<string[], string[]>): Contact {
		// Rows in a page mostly share the org id and often the type: compare with the row
		// before first, a cheap string compare instead of a hash lookup.
		const before = this.lastRow;
		c.contact_type = before && c.contact_type === before.contact_type ? before.contact_type : this.intern(c.contact_type);
		c.contact_color = this.intern(c.contact_color);
		c.contact_image = null;
		c.label_ids = null;
		const known = sharedLabels?.get(c.labels);
		if (known !== undefined) c.labels = known;
		else {
			const set = this.labelSet(c.labels);
			sharedLabels?.set(c.labels, set);
			c.labels = set;
		}
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
		this.rows = [];
		this.holes = 0;
		this.fromCache = new Uint8Array(0);
		this.cachedRows = 0;
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
		this.changed.fire({ added: 0, updated: 0, unchanged: 0, cleared: true, fresh: 0 });
	}

	/** The groups in display order with their loaded counts. */
	groups(by: GroupBy): GroupSummary[] {
		const grouping = this.groupings[by];
		return [...grouping.members.keys()]
			.sort((a, b) => compareGroupKeys(a, b, by))
			.map((key) => ({ key, label: groupLabel(key, by, grouping.names.get(key)), count: grouping.members.get(key)!.size }));
	}

	/** A slice of one group's contacts, in load order. */
	groupContacts(by: GroupBy, key: string, start = 0, end?: number): Contact[] {
		const rows = this.groupings[by].members.get(key);
		if (!rows) return [];
		const slice = rows.slice(start, end);
		const out: Contact[] = new Array(slice.length);
		for (let i = 0; i < slice.length; i++) out[i] = this.rows[slice[i]]!;
		return out;
	}

	groupSize(by: GroupBy, key: string): number {
		return this.groupings[by].members.get(key)?.size ?? 0;
	}

	/** The first `limit` contacts in load order (the API lists the most recently updated first). */
	first(limit: number): Contact[] {
		const out: Contact[] = [];
		for (let row = 0; row < this.rows.length && out.length < limit; row++) {
			const contact = this.rows[row];
			if (contact !== undefined) out.push(contact);
		}
		return out;
	}

	/**
	 * The search index is kept up to date in the background, in slices of a few ms, as contacts
	 * arrive (a range of 2,048 at a time); this has it index the last partial range too, so the
	 * next search finds nothing left to do (call it when a search opens). It never blocks.
	 */
	prepareSearch(): void {
		this.index.prepare();
	}

	/**
	 * Up to `limit` contacts matching a name, number or label fragment, best first. Always
	 * complete: contacts the background has not indexed yet (normally less than a page) are
	 * indexed first.
	 */
	search(query: string, limit = 50): Contact[] {
		return this.index.search(query, limit).map((row) => this.rows[row]!);
	}

	/**
	 * Every contact matching a name, number or label fragment (what search() finds, all of them),
	 * in load order; for the tree's filter.
	 */
	matching(query: string): Contact[] {
		const marks = this.index.matchAll(query, this.rows.length);
		if (!marks) return [];
		const out: Contact[] = [];
		for (let row = 0; row < marks.length; row++) if (marks[row] === 1 && this.rows[row] !== undefined) out.push(this.rows[row]!);
		return out;
	}

	/** Runs the search index's queued work for about `budgetMs`; true when it has caught up. */
	indexSome(budgetMs: number): boolean {
		return this.index.indexSome(budgetMs);
	}

	/** How far the search index is, for tests and the benchmark. */
	get indexStats(): IndexStats {
		return this.index.stats;
	}

	dispose(): void {
		this.index.dispose();
		this.changed.dispose();
	}
}

const NO_LABELS = Object.freeze([]) as unknown as string[];

const SHARDS = 32;

/**
 * Shard of each of the 1,024 top hash values. Shard k gets a share proportional to 2^(k/32): the
 * shards reach the sizes where a Map doubles at different totals, so about one of them rehashes
 * every 2% of growth, never all at once (equal shards would all double in the same page).
 */
const SHARD_OF = (() => {
	const weights = Array.from({ length: SHARDS }, (_, k) => 2 ** (k / SHARDS));
	const total = weights.reduce((a, b) => a + b, 0);
	const table = new Uint8Array(1024);
	let k = 0;
	let edge = (weights[0] / total) * 1024;
	for (let i = 0; i < 1024; i++) {
		while (i >= edge && k < SHARDS - 1) edge += (weights[++k] / total) * 1024;
		table[i] = k;
	}
	return table;
})();

class IdMap {
	private readonly shards = Array.from({ length: SHARDS }, () => new Map<string, number>());
	private count = 0;

	get size(): number {
		return this.count;
	}

	get(id: string): number | undefined {
		return this.shard(id).get(id);
	}

	set(id: string, row: number): void {
		const shard = this.shard(id);
		const before = shard.size;
		shard.set(id, row);
		this.count += shard.size - before;
	}

	delete(id: string): boolean {
		const gone = this.shard(id).delete(id);
		if (gone) this.count--;
		return gone;
	}

	clear(): void {
		for (const shard of this.shards) shard.clear();
		this.count = 0;
	}

	renumber(prefix: Int32Array): void {
		for (const shard of this.shards) for (const [id, row] of shard) shard.set(id, prefix[row]);
	}

	private shard(id: string): Map<string, number> {
		// FNV-1a over the last 13 characters: the varying digits of a number before "@c.us".
		let h = 0x811c9dc5;
		for (let i = Math.max(0, id.length - 13); i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
		return this.shards[SHARD_OF[h >>> 22]];
	}
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
	if (a === b) return true;
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}
