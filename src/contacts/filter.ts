// Narrowing the loaded contacts: a text (name, number or label, answered by the store's search
// index), one or more labels, one or more types, all combinable (a contact must pass each part
// that is set; within labels or types, any one matches). Pure: no `vscode` import.
import type { Contact } from '../api/types';
import { clip, cleanText } from './format';
import { GroupBy, groupKeysOf, UNKNOWN_TYPE_KEY, UNLABELED_KEY } from './grouping';
import type { ContactStore, GroupSummary } from './store';

export interface ContactFilter {
	/** Matched like the search: name, number or label fragment. Empty: no text part. */
	text: string;
	/** Label group keys (lowercased label, or UNLABELED_KEY). Empty: any label. */
	labels: string[];
	/** Type group keys (lowercased type, or UNKNOWN_TYPE_KEY). Empty: any type. */
	types: string[];
}

export const NO_FILTER: ContactFilter = Object.freeze({ text: '', labels: [], types: [] }) as ContactFilter;

export function isFilterActive(filter: ContactFilter | undefined): filter is ContactFilter {
	return !!filter && (filter.text.trim() !== '' || filter.labels.length > 0 || filter.types.length > 0);
}

/** A filter read back from workspace state (anything may be there): a clean one, or undefined. */
export function parseFilter(raw: unknown): ContactFilter | undefined {
	if (typeof raw !== 'object' || raw === null) return undefined;
	const r = raw as Record<string, unknown>;
	const strings = (v: unknown) => (Array.isArray(v) ? [...new Set(v.filter((s): s is string => typeof s === 'string' && s !== '').slice(0, 200))] : []);
	const filter: ContactFilter = {
		text: typeof r.text === 'string' ? r.text.slice(0, 200) : '',
		labels: strings(r.labels).map((l) => (l === UNLABELED_KEY ? l : l.trim().toLowerCase())),
		types: strings(r.types).map((t) => (t === UNKNOWN_TYPE_KEY ? t : t.trim().toLowerCase())),
	};
	return isFilterActive(filter) ? filter : undefined;
}

/** How the filter reads in the view's description: `vip`, `"müller" · vip, lead · user`. */
export function describeFilter(filter: ContactFilter, names: { label(key: string): string; type(key: string): string }): string {
	const parts: string[] = [];
	const text = cleanText(filter.text);
	if (text) parts.push(`"${clip(text, 30)}"`);
	if (filter.labels.length) parts.push(filter.labels.map((k) => names.label(k)).join(', '));
	if (filter.types.length) parts.push(filter.types.map((k) => names.type(k)).join(', '));
	return parts.join(' · ');
}

/**
 * The filter's text part over the store: the contacts the search index finds for it (all of
 * them, not the first 50), or undefined when there is no text part.
 */
export function textMatches(store: ContactStore, text: string): ReadonlySet<Contact> | undefined {
	if (!text.trim()) return undefined;
	return new Set(store.matching(text));
}

const labelKeySets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** Label group keys of a contact; the store shares label lists, so this is mostly a lookup. */
function labelKeys(contact: Contact): ReadonlySet<string> {
	let keys = labelKeySets.get(contact.labels);
	if (keys === undefined) {
		keys = new Set(groupKeysOf(contact, 'label'));
		labelKeySets.set(contact.labels, keys);
	}
	return keys;
}

const typeKeys = new Map<string | null, string[]>();

/** The type group key of a contact, as a one-key list; an org has few types, so this is a lookup. */
function typeKeysOf(contact: Contact): string[] {
	let keys = typeKeys.get(contact.contact_type);
	if (keys === undefined) {
		keys = groupKeysOf(contact, 'type');
		if (typeKeys.size < 1000) typeKeys.set(contact.contact_type, keys);
	}
	return keys;
}

/** Whether one contact passes the filter; `text` is textMatches() for the filter's text. */
export function matchesFilter(contact: Contact, filter: ContactFilter, text: ReadonlySet<Contact> | undefined): boolean {
	if (text && !text.has(contact)) return false;
	if (filter.types.length && !filter.types.includes(typeKeysOf(contact)[0])) return false;
	if (filter.labels.length) {
		const keys = labelKeys(contact);
		if (!filter.labels.some((k) => keys.has(k))) return false;
	}
	return true;
}

/**
 * The loaded contacts that pass a filter, grouped as the tree groups them: counts per group,
 * empty groups left out, load order kept. Computed once; make a new one when the store changes.
 */
export class FilteredContacts {
	/** Contacts that pass, however many groups they are in. */
	readonly matches: number;
	/** Contacts looked at (all loaded). */
	readonly loaded: number;
	private readonly members = new Map<string, Contact[]>();
	private readonly summaries: GroupSummary[];

	constructor(
		store: ContactStore,
		readonly filter: ContactFilter,
		readonly by: GroupBy,
	) {
		// With a text part, only its hits (from the search index, in load order) need checking.
		const candidates = filter.text.trim() ? store.matching(filter.text) : store.first(store.size);
		let matches = 0;
		for (const contact of candidates) {
			if (!matchesFilter(contact, filter, undefined)) continue;
			matches++;
			for (const key of by === 'label' ? labelKeys(contact) : typeKeysOf(contact)) {
				let list = this.members.get(key);
				if (!list) this.members.set(key, (list = []));
				list.push(contact);
			}
		}
		this.matches = matches;
		this.loaded = store.size;
		// The store's group order and names, with the filtered counts.
		this.summaries = store
			.groups(by)
			.filter((g) => this.members.has(g.key))
			.map((g) => ({ ...g, count: this.members.get(g.key)!.length }));
	}

	groups(): GroupSummary[] {
		return this.summaries;
	}

	groupSize(key: string): number {
		return this.members.get(key)?.length ?? 0;
	}

	groupContacts(key: string, start = 0, end?: number): Contact[] {
		return (this.members.get(key) ?? []).slice(start, end);
	}
}

const n = (v: number) => v.toLocaleString('en-US');

/** The view's description under a filter: "filter: vip · 312 of 20,000" (of the org's total when known). */
export function filterSummary(what: string, matches: number, loaded: number, total: number | undefined): string {
	return `filter: ${what} · ${n(matches)} of ${n(Math.max(loaded, total ?? loaded))}`;
}

/** The tree's note while pages remain: "312 matches in 4,000 loaded — load all". */
export function partialFilterNote(matches: number, loaded: number): string {
	return `${n(matches)} match${matches === 1 ? '' : 'es'} in ${n(loaded)} loaded — load all`;
}
