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
	private live = 0;

	get size(): number {
		return this.live;
	}

	/**
	 * Adds contacts. `replacing` says which of them were indexed before (changed name or labels):
	 * their old entries are found by a scan, which is rare enough to beat keeping an id -> entry map
	 * (a few MB at 100,000 contacts).
	 */
	add(contacts: readonly Contact[], replacing?: ReadonlySet<string>): void {
		if (contacts.length === 0) return;
		// V8 stores a string with any non-Latin-1 character at two bytes per character: keep
		// such entries in their own chunk so one Devanagari name does not double a whole page.
		const narrow = new ChunkBuilder();
		const wide = new ChunkBuilder();
		for (const contact of contacts) {
			if (replacing?.has(contact.contact_id)) {
				const previous = this.entries.lastIndexOf(contact.contact_id);
				if (previous !== -1) {
					this.entries[previous] = undefined;
					this.live--;
				}
			}
			const entry = this.entries.length;
			this.entries.push(contact.contact_id);
			this.live++;
			const text = haystack(contact);
			(/[^\u0000-\u00ff]/.test(text) ? wide : narrow).push(text, entry);
		}
		for (const builder of [narrow, wide]) {
			const chunk = builder.build();
			if (chunk) this.chunks.push(chunk);
		}
	}

	clear(): void {
		this.chunks = [];
		this.entries = [];
		this.live = 0;
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

class ChunkBuilder {
	private parts: string[] = [];
	private starts: number[] = [];
	private entryIds: number[] = [];
	private offset = 0;

	push(text: string, entry: number): void {
		this.parts.push(text);
		this.starts.push(this.offset);
		this.entryIds.push(entry);
		this.offset += text.length;
	}

	build(): Chunk | undefined {
		if (this.parts.length === 0) return undefined;
		return { text: this.parts.join(''), starts: Int32Array.from(this.starts), entryIds: Int32Array.from(this.entryIds) };
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
