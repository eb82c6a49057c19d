// Substring search over name, number and labels without a per-contact scan: each ingest
// appends one chunk string of folded "haystacks" and V8's indexOf walks chunks natively.
// One sweep finds every match and ranks it by the character before it (name start, word or
// field start, anywhere); it stops once `limit` name-start matches are in hand.
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
	if (/[\u0080-\uffff]/.test(out)) out = out.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
	return out.replace(/[\s]+/g, ' ').trim();
}

/** A query of digits, spaces, `+`, `-` and brackets is a phone number: compare digits only. */
function foldQuery(query: string): string {
	if (/^[\d\s+()-]+$/.test(query) && /\d/.test(query)) return query.replace(/\D/g, '');
	return fold(query).replace(/[\t\n]/g, ' ');
}

/** The folded labels part of an entry, per shared label list (the store shares identical lists). */
const labelParts = new WeakMap<readonly string[], string>();

function haystack(contact: Contact): string {
	// fold() turns tabs and newlines into spaces, so a name cannot fake an entry or field mark.
	const name = contact.contact_name ? fold(contact.contact_name) : '';
	let labels = labelParts.get(contact.labels);
	if (labels === undefined) {
		labels = '';
		for (const label of contact.labels) labels += FIELD + fold(label);
		if (Object.isFrozen(contact.labels)) labelParts.set(contact.labels, labels);
	}
	return ENTRY + name + FIELD + bareNumber(contact.contact_id) + labels;
}

export class SearchIndex {
	private chunks: Chunk[] = [];
	/** Entry number -> contact id, or undefined once superseded. */
	private entries: (string | undefined)[] = [];

	/**
	 * Contacts added but not yet indexed. The index is built on the first search after them, not
	 * on ingest: loading pages for the tree stays cheap, and a user who never searches never pays.
	 */
	private pending: Contact[] = [];
	private pendingReplacing = new Set<string>();

	/** Queues contacts for indexing. `replacing` says which of them were indexed before (changed name or labels). */
	add(contacts: readonly Contact[], replacing?: ReadonlySet<string>): void {
		for (const contact of contacts) this.pending.push(contact);
		if (replacing) for (const id of replacing) this.pendingReplacing.add(id);
	}

	/**
	 * Indexes what is pending (search does this itself; callers may do it ahead of a search).
	 * A replaced contact's old entry is found by a scan, which is rare enough to beat keeping an
	 * id -> entry map (a few MB at 100,000 contacts).
	 */
	flush(): void {
		if (this.pending.length === 0) return;
		const contacts = this.pending;
		const replacing = this.pendingReplacing;
		this.pending = [];
		this.pendingReplacing = new Set();
		// V8 stores a string with any non-Latin-1 character at two bytes per character: keep
		// such entries in their own chunks so one Devanagari name does not double a whole page.
		// Chunks stay a few thousand entries long, so no string grows without bound.
		let narrow = new ChunkBuilder();
		let wide = new ChunkBuilder();
		for (const contact of contacts) {
			if (replacing.has(contact.contact_id)) {
				const previous = this.entries.lastIndexOf(contact.contact_id);
				if (previous !== -1) this.entries[previous] = undefined;
			}
			const entry = this.entries.length;
			this.entries.push(contact.contact_id);
			const text = haystack(contact);
			const builder = /[\u0100-\uffff]/.test(text) ? wide : narrow;
			builder.push(text, entry);
			if (builder.length >= CHUNK_ENTRIES) {
				this.chunks.push(builder.build()!);
				if (builder === narrow) narrow = new ChunkBuilder();
				else wide = new ChunkBuilder();
			}
		}
		for (const builder of [narrow, wide]) {
			const chunk = builder.build();
			if (chunk) this.chunks.push(chunk);
		}
	}

	clear(): void {
		this.pending = [];
		this.pendingReplacing = new Set();
		this.chunks = [];
		this.entries = [];
	}

	/** Ids of up to `limit` contacts matching `query`, best first. */
	search(query: string, limit: number): string[] {
		const q = foldQuery(query);
		if (!q || limit <= 0) return [];
		this.flush();
		// ranked[r]: entries whose best match has rank r, in load order; each needs at most `limit`.
		const ranked: number[][] = [[], [], []];
		let needle = q;
		let worst = RANK_ANYWHERE; // the worst rank still worth collecting
		for (const chunk of this.chunks) {
			const { text, starts, entryIds } = chunk;
			let at = text.indexOf(needle);
			while (at !== -1) {
				const slot = entrySlot(starts, at);
				const end = slot + 1 < starts.length ? starts[slot + 1] : text.length;
				const entry = entryIds[slot];
				if (this.entries[entry] !== undefined) {
					// The first match in an entry may not be its best ("hannah anna" for "anna").
					let rank = rankAt(text, at, needle !== q);
					for (let next = at; rank > RANK_NAME_START; ) {
						next = text.indexOf(q, next + 1);
						if (next === -1 || next + q.length > end) break;
						rank = Math.min(rank, rankAt(text, next, false));
					}
					if (rank <= worst && ranked[rank].length < limit) {
						ranked[rank].push(entry);
						if (ranked[RANK_NAME_START].length >= limit) return this.idsOf(ranked, limit);
						// Once a rank is full, nothing at that rank or worse can make the cut.
						while (worst > RANK_NAME_START && ranked[worst].length >= limit) worst--;
						// Only name starts still count: let indexOf look for "\nq" directly.
						if (worst === RANK_NAME_START && needle === q) needle = ENTRY + q;
					}
				}
				// One result per entry: go on from the next entry.
				at = text.indexOf(needle, end);
			}
		}
		return this.idsOf(ranked, limit);
	}

	private idsOf(ranked: number[][], limit: number): string[] {
		const ids: string[] = [];
		for (const entries of ranked) {
			for (const entry of entries) {
				if (ids.length >= limit) return ids;
				ids.push(this.entries[entry]!);
			}
		}
		return ids;
	}
}

const RANK_NAME_START = 0;
const RANK_WORD_START = 1;
const RANK_ANYWHERE = 2;

/** How good a match at `at` is, from the character before it. */
function rankAt(text: string, at: number, needleHasEntryMark: boolean): number {
	if (needleHasEntryMark) return RANK_NAME_START;
	const before = text.charCodeAt(at - 1);
	if (before === 10 /* \n */) return RANK_NAME_START;
	if (before === 32 /* space */ || before === 9 /* \t */) return RANK_WORD_START;
	return RANK_ANYWHERE;
}

/** Entries per chunk string, so a flush of 100,000 contacts does not make one 4 MB string. */
const CHUNK_ENTRIES = 4000;

class ChunkBuilder {
	private parts: string[] = [];
	private starts: number[] = [];
	private entryIds: number[] = [];
	private offset = 0;

	get length(): number {
		return this.parts.length;
	}

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
