// Substring search over name, number and labels without a per-contact scan: each ingest
// appends one chunk string of folded "haystacks" and V8's indexOf walks chunks natively.
// Passes run in rank order (name starts with the query, a word starts with it, anywhere),
// and stop as soon as `limit` results are found.
import type { Contact } from '../api/types';
import { bareNumber } from './format';

const ENTRY = '\n'; // starts every entry, so "\nfoo" means "name starts with foo"
const FIELD = '\t'; // between name, number and each label

interface Chunk {
	text: string;
	/** Start offset of each entry in `text`, ascending. */
	starts: Int32Array;
	/** Entry number (index into `entries`) of each start. */
	entryIds: Int32Array;
}

/** Lowercase, strip accents, collapse whitespace: the same folding for haystack and query. */
export function fold(text: string): string {
	let out = text.toLowerCase();
	// Only pay for NFD when there is something to strip.
	if (/[^\u0000-\u007f]/.test(out)) out = out.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
	return out.replace(/[\s]+/g, ' ').trim();
}

/** A query of digits, spaces, `+`, `-` and brackets is a phone number: compare digits only. */
function foldQuery(query: string): string {
	if (/^[\d\s+()-]+$/.test(query) && /\d/.test(query)) return query.replace(/\D/g, '');
	return fold(query).replace(/[\t\n]/g, ' ');
}

function haystack(contact: Contact): string {
	const name = contact.contact_name ? fold(contact.contact_name).replace(/[\t\n]/g, ' ') : '';
	let text = ENTRY + name + FIELD + bareNumber(contact.contact_id);
	for (const label of contact.labels) text += FIELD + fold(label);
	return text;
}

export class SearchIndex {
	private chunks: Chunk[] = [];
	/** Entry number -> contact id, or undefined once superseded. */
	private entries: (string | undefined)[] = [];
	private entryOf = new Map<string, number>();

	get size(): number {
		return this.entryOf.size;
	}

	/** Adds or replaces contacts. An update leaves a dead entry behind that search skips. */
	add(contacts: readonly Contact[]): void {
		if (contacts.length === 0) return;
		const parts: string[] = [];
		const starts = new Int32Array(contacts.length);
		const entryIds = new Int32Array(contacts.length);
		let offset = 0;
		contacts.forEach((contact, i) => {
			const previous = this.entryOf.get(contact.contact_id);
			if (previous !== undefined) this.entries[previous] = undefined;
			const entry = this.entries.length;
			this.entries.push(contact.contact_id);
			this.entryOf.set(contact.contact_id, entry);
			const text = haystack(contact);
			parts.push(text);
			starts[i] = offset;
			entryIds[i] = entry;
			offset += text.length;
		});
		this.chunks.push({ text: parts.join(''), starts, entryIds });
	}

	clear(): void {
		this.chunks = [];
		this.entries = [];
		this.entryOf.clear();
	}

	/** Ids of up to `limit` contacts matching `query`, best first. */
	search(query: string, limit: number): string[] {
		const q = foldQuery(query);
		if (!q || limit <= 0) return [];
		const found = new Set<number>();
		for (const needle of [ENTRY + q, ' ' + q, q]) {
			if (this.collect(needle, found, limit)) break;
		}
		const ids: string[] = [];
		for (const entry of found) ids.push(this.entries[entry]!);
		return ids;
	}

	/** Adds entries containing `needle` to `found`; true once `limit` is reached. */
	private collect(needle: string, found: Set<number>, limit: number): boolean {
		for (const chunk of this.chunks) {
			let at = chunk.text.indexOf(needle);
			while (at !== -1) {
				const slot = entrySlot(chunk.starts, at);
				const entry = chunk.entryIds[slot];
				if (this.entries[entry] !== undefined && !found.has(entry)) {
					found.add(entry);
					if (found.size >= limit) return true;
				}
				// Skip to the next entry: one match per entry is enough.
				const next = slot + 1 < chunk.starts.length ? chunk.starts[slot + 1] : chunk.text.length;
				at = chunk.text.indexOf(needle, next);
			}
		}
		return false;
	}
}

/** The entry whose text contains offset `at` (binary search over ascending starts). */
function entrySlot(starts: Int32Array, at: number): number {
	let lo = 0;
	let hi = starts.length - 1;
	while (lo < hi) {
		const mid = (lo + hi + 1) >> 1;
		if (starts[mid] <= at) lo = mid;
		else hi = mid - 1;
	}
	return lo;
}
