// The contacts loaded so far: deduped by id, grouped by type and by label, searchable.
// Each contact has a row number, given when it is first loaded: rows are load order (the API's
// order), and groups and search results keep it. Ingesting a page touches only that page's
// contacts, never the whole store: a new contact is an append to its groups, a changed one a
// binary search and a shift within a block of at most 1,024 in each group it leaves or joins
// (RowList), and the search index takes both in slices in the background (SearchIndex). Removed
// contacts leave holes in the rows, renumbered away once they outnumber the contacts. Contacts
// restored from the persistent cache join as the file's columns (id, type and labels are all a
// restore needs) and each becomes a row object when first read (adoptCached).
import type { Contact } from '../api/types';
import type { CachedRows } from './cachedRows';
import { Emitter } from './emitter';
import { IdMap } from './idMap';
import { compareGroupKeys, GroupBy, groupKeysOf, groupLabel, labelGroupKeys, typeGroupKeys } from './grouping';
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

	/** `contact`: the row's type and labels, for the name of a group it is the first in. */
	add(contact: Pick<Contact, 'contact_type' | 'labels'>, row: number, keys: readonly string[]): void {
		for (const key of keys) this.listOf(contact, key).add(row);
	}

	/** The members of the groups `keys`, created (and named after `contact`) where missing. */
	listsOf(contact: Pick<Contact, 'contact_type' | 'labels'>, keys: readonly string[]): RowList[] {
		return keys.map((key) => this.listOf(contact, key));
	}

	private listOf(contact: Pick<Contact, 'contact_type' | 'labels'>, key: string): RowList {
		let rows = this.members.get(key);
		if (!rows) {
			rows = new RowList();
			this.members.set(key, rows);
			this.names.set(key, this.displayFor(contact, key));
		}
		return rows;
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

	private displayFor(contact: Pick<Contact, 'contact_type' | 'labels'>, key: string): string {
		if (this.by === 'label') return contact.labels.find((l) => l.trim().toLowerCase() === key)?.trim() ?? key;
		return contact.contact_type?.trim() ?? key;
	}
}

export class ContactStore {
	/** Id -> row. */
	private readonly byId = new IdMap();
	/**
	 * Row -> contact; undefined where a contact was removed (a hole, until compactRows); NOT_READ
	 * for a cached row not built yet (read rows through at()).
	 */
	private rows: (Contact | undefined)[] = [];
	/** The cache's columns behind the NOT_READ rows: row `base + i` is `source.contact(i)`. */
	private unread: { source: CachedRows; base: number; left: number; labels: Map<readonly string[], string[]> } | undefined;
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
				row: (row) => this.at(row),
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
		return row === undefined ? undefined : this.at(row);
	}

	/** The contact of a row, built from the cache's columns if it was not read yet. */
	private at(row: number): Contact | undefined {
		const contact = this.rows[row];
		return contact === NOT_READ ? this.read(row) : contact;
	}

	private read(row: number): Contact {
		const unread = this.unread!;
		const contact = this.compact(unread.source.contact(row - unread.base), unread.labels);
		this.rows[row] = contact;
		// Every row built: the columns' memory goes.
		if (--unread.left === 0) this.unread = undefined;
		return contact;
	}

	/** Builds every row not read yet (before rows are renumbered, or all are needed). */
	private readAll(): void {
		const unread = this.unread;
		if (!unread) return;
		const end = unread.base + unread.source.count;
		for (let row = unread.base; row < end && this.unread; row++) if (this.rows[row] === NOT_READ) this.read(row);
	}

	/**
	 * Adds rows `start` to `end` of a cache file (call in order, from 0, on a store that holds no
	 * page yet): ids, groups and counts at once, each row object when first read. A repeated id
	 * keeps its first row, like a cached row never replaces one the store has.
	 */
	adoptCached(source: CachedRows, start: number, end: number): void {
		if (start === 0 && !this.unread) {
			this.unread = { source, base: this.rows.length, left: 0, labels: new Map() };
			this.byId.reserve(source.count);
		}
		const unread = this.unread;
		if (!unread || unread.source !== source || this.rows.length !== unread.base + start) {
			// Not in order (never done by the loader): the plain way.
			const rows: Contact[] = [];
			for (let i = start; i < end; i++) rows.push(source.contact(i));
			this.ingest(rows, 'cache');
			return;
		}
		const { type, label } = this.groupings;
		// The groups of each distinct type and label set (the file shares one array per set), looked
		// up once per batch (nothing leaves a group during one).
		const byType = new Map<string | null, RowList[]>();
		const byLabels = new Map<readonly string[], RowList[]>();
		let added = 0;
		for (let i = start; i < end; i++) {
			const row = this.rows.length;
			if (this.byId.add(source.id(i), row) !== undefined) {
				this.rows.push(undefined);
				this.holes++;
				continue;
			}
			this.rows.push(NOT_READ);
			this.markRow(row, 1);
			unread.left++;
			added++;
			const contactType = source.type(i);
			const labels = source.labels(i);
			let typeLists = byType.get(contactType);
			if (typeLists === undefined) byType.set(contactType, (typeLists = type.listsOf({ contact_type: contactType, labels: [] }, this.typeKeysOf(contactType))));
			let labelLists = byLabels.get(labels);
			if (labelLists === undefined) byLabels.set(labels, (labelLists = label.listsOf({ contact_type: contactType, labels: labels as string[] }, labelGroupKeys(labels))));
			for (let k = 0; k < typeLists.length; k++) typeLists[k]!.add(row);
			for (let k = 0; k < labelLists.length; k++) labelLists[k]!.add(row);
		}
		if (unread.left === 0) this.unread = undefined;
		// The search index starts on them once all are in: its slices would only lengthen the restore.
		if (end >= source.count) this.index.grew();
		if (added) this.changed.fire({ added, updated: 0, unchanged: 0, cleared: false, fresh: added });
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
		for (const raw of page) {
			const contact = this.compact(raw);
			const id = contact.contact_id;
			const next = this.rows.length;
			// One lookup: the row of a contact seen before, or this new one's.
			const row = this.byId.add(id, next);
			if (row === undefined) {
				this.rows.push(contact);
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
			const previous = this.at(row)!;
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
			const contact = this.fromCache[row] === 1 ? this.at(row) : undefined;
			if (contact !== undefined) ids.push(contact.contact_id);
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
		const before = row === undefined ? undefined : this.at(row);
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
			const contact = this.at(row)!;
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
		this.readAll();
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
		return this.typeKeysOf(contact.contact_type);
	}

	private typeKeysOf(contactType: string | null): string[] {
		let keys = this.typeKeyCache.get(contactType);
		if (keys === undefined) {
			keys = typeGroupKeys(contactType);
			if (this.typeKeyCache.size < 10_000) this.typeKeyCache.set(contactType, keys);
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
	private compact(c: Contact, sharedLabels?: Map<readonly string[], string[]>): Contact {
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
		this.unread = undefined;
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
		for (let i = 0; i < slice.length; i++) out[i] = this.at(slice[i])!;
		return out;
	}

	groupSize(by: GroupBy, key: string): number {
		return this.groupings[by].members.get(key)?.size ?? 0;
	}

	/** The first `limit` contacts in load order (the API lists the most recently updated first). */
	first(limit: number): Contact[] {
		const out: Contact[] = [];
		for (let row = 0; row < this.rows.length && out.length < limit; row++) {
			const contact = this.at(row);
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
		return this.index.search(query, limit).map((row) => this.at(row)!);
	}

	/**
	 * Every contact matching a name, number or label fragment (what search() finds, all of them),
	 * in load order; for the tree's filter.
	 */
	matching(query: string): Contact[] {
		const marks = this.index.matchAll(query, this.rows.length);
		if (!marks) return [];
		const out: Contact[] = [];
		for (let row = 0; row < marks.length; row++) {
			const contact = marks[row] === 1 ? this.at(row) : undefined;
			if (contact !== undefined) out.push(contact);
		}
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
/** The placeholder of a cached row not built yet: never handed out (see at()). */
const NOT_READ = Object.freeze({ contact_id: '', labels: NO_LABELS }) as unknown as Contact;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
	if (a === b) return true;
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}
