// Search over name, number and labels, for hundreds of thousands of contacts.
//
// Each contact is one folded entry, `\n` name `\t` number (`\t` label)*, identified by its store
// row (rows are numbered in load order). Entries live in segments of at most 2,048: one string of
// entries plus, sorted by the text that follows them, typed arrays of where names start, where
// words and fields start, and every third digit of each digit run. A query binary-searches those
// in each segment: name starts (rank 0), then word and field starts (rank 1), then, only when these
// leave room in the result list, infixes (rank 2: digit queries through the sampled digits, other
// queries by an indexOf sweep that stops once the list is full). Within a rank, load order.
//
// Segments:
// - base: a row range [lo, hi) of up to RANGE_ROWS rows, in two segments, one for entries that fit
//   in one byte a character and one for the rest (V8 stores a string with a single two-byte
//   character at two bytes a character throughout).
// - delta: contacts whose name or labels changed after their range was built. Their old entry
//   stays in the base segment, dead (a row lives in exactly one segment: `rowSeg`), until enough
//   dead entries pile up; then compaction rebuilds the ranges holding them, reusing the live
//   entries' text, and the emptied deltas go.
//
// Work happens in jobs cut into units (fold 128 rows; build one segment), run in slices by a
// scheduler (setImmediate by default) after each change: a slice stops once it has used its
// budget. search() first finishes what is queued (normally less than a page), so it is always
// complete and never sees a half-built segment.
import type { Contact } from '../api/types';
import { bareNumber } from './format';

const ENTRY = '\n'; // starts every entry, so "\nfoo" means "name starts with foo"
const FIELD = '\t'; // between name, number and each label
const TAB = 9;
const NEWLINE = 10;
const SPACE = 32;

/** Lowercase, strip accents, collapse whitespace: the same folding for haystack and query. */
export function fold(text: string): string {
	let out = text.toLowerCase();
	// Only pay for NFD when there is something to strip.
	if (/[\u0080-\uffff]/.test(out)) out = out.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
	// NUL too: the index reads code 0 as "the field ended".
	return out.replace(/[\s\u0000]+/g, ' ').trim();
}

/** A query of digits, spaces, `+`, `-` and brackets is a phone number: compare digits only. */
export function foldQuery(query: string): string {
	if (/^[\d\s+()-]+$/.test(query) && /\d/.test(query)) return query.replace(/\D/g, '');
	return fold(query).replace(/[\t\n]/g, ' ');
}

/** The folded labels part of an entry, per shared label list (the store shares identical lists). */
const labelParts = new WeakMap<readonly string[], string>();

/** A contact's entry: `\n` name `\t` number (`\t` label)*, folded. */
export function haystack(contact: Contact): string {
	// fold() turns tabs and newlines into spaces, so a name cannot fake an entry or field mark.
	const name = contact.contact_name ? fold(contact.contact_name) : '';
	let labels = labelParts.get(contact.labels);
	if (labels === undefined) {
		labels = '';
		for (const label of contact.labels) labels += FIELD + fold(label);
		if (Object.isFrozen(contact.labels)) labelParts.set(contact.labels, labels);
	}
	let number = bareNumber(contact.contact_id);
	if (/[\t\n\u0000]/.test(number)) number = number.replace(/[\t\n\u0000]/g, ' ');
	return ENTRY + name + FIELD + number + labels;
}

/** When and how the index runs its slices; tests inject a fake one. */
export interface IndexScheduler {
	/** Milliseconds, monotonic. */
	now(): number;
	/** Runs `task` soon, after pending I/O; returns a function that cancels it. */
	schedule(task: () => void): () => void;
}

export const immediateScheduler: IndexScheduler = {
	now: () => performance.now(),
	schedule(task) {
		const handle = setImmediate(task);
		return () => clearImmediate(handle);
	},
};

/** Where the index reads contacts: the store's rows. */
export interface RowSource {
	/** Rows are 0 .. count - 1. */
	readonly count: number;
	/** The contact at a row, or undefined if removed. */
	row(row: number): Contact | undefined;
}

export interface SearchIndexOptions {
	scheduler?: IndexScheduler;
	/** The most a slice may take, in ms (it stops after the unit that crosses it). */
	sliceMs?: number;
}

export interface IndexStats {
	segments: number;
	deltas: number;
	/** Entries still held for contacts that changed or went (reclaimed by compaction). */
	dead: number;
	/** Rows not indexed yet (new, or changed and waiting for a delta). */
	pending: number;
	/** Slices run so far. */
	slices: number;
}

/** Rows per base range. Keeps each segment's text under 64K characters (two-byte offsets) in practice. */
export const RANGE_ROWS = 2048;
/** Rows folded per unit of work. */
const FOLD_BATCH = 128;
/** Every DIGIT_STEP-th digit of a digit run is a sampled start: digit queries this long or longer need no sweep. */
const DIGIT_STEP = 3;
const DEFAULT_SLICE_MS = 8;
/** Compaction starts when dead entries pass this many, or 1/16 of the rows, or when deltas pass MAX_DELTAS. */
const COMPACT_MIN_DEAD = 4096;
const MAX_DELTAS = 64;

/** rowSeg values below FIRST_ID. */
const NONE = 0;
const PENDING = 1;
const FIRST_ID = 2;

type Positions = Uint16Array | Int32Array;

interface Range {
	lo: number;
	hi: number;
	segs: Segment[];
}

interface Segment {
	id: number;
	text: string;
	/** Offset of each entry in `text`, ascending. */
	starts: Positions;
	/** Row of each entry, ascending; -1 once a renumbering dropped it. */
	rows: Int32Array;
	/** A lower bound of its rows, for visiting segments in load order. */
	minRow: number;
	/** Entries whose name is not empty, sorted by name. */
	names: Positions;
	/** Starts of words and fields other than the name, sorted by the text from there to the field's end. */
	words: Positions;
	/** Every DIGIT_STEP-th digit of each digit run, sorted likewise. */
	digits: Positions;
	/** Entries no longer live. */
	dead: number;
	/** The range it indexes; undefined for a delta. */
	range: Range | undefined;
}

class Part {
	rows: number[] = [];
	texts: string[] = [];
}

/** A segment being built: rows folded a batch at a time, then its segments built one per unit. */
class Job {
	readonly narrow = new Part();
	readonly wide = new Part();
	/** Next position in the range (a row) or in `list`. */
	next: number;
	readonly built: Segment[] = [];
	folded = false;
	/** For a range job: a cursor per old segment of the range, to reuse live entries' text. */
	readonly cursors: number[];

	constructor(
		readonly lo: number,
		readonly hi: number,
		/** The range it rebuilds (or extends); undefined for a new range or a delta. */
		readonly replaces: Range | undefined,
		/** Rows of a delta job, ascending. */
		readonly list: number[] | undefined,
	) {
		this.next = list ? 0 : lo;
		this.cursors = replaces ? replaces.segs.map(() => 0) : [];
	}

	covers(row: number, state: number): boolean {
		return this.list ? state === PENDING : row >= this.lo && row < this.hi;
	}
}

export class SearchIndex {
	private rowSeg: Uint16Array | Int32Array = new Uint16Array(1024);
	private segById: (Segment | undefined)[] = [undefined, undefined];
	private freeIds: number[] = [];
	private ranges: Range[] = [];
	private deltas: Segment[] = [];
	/** Rows below this went into a range (or were looked at and found removed). */
	private tailStart = 0;
	private pending: number[] = [];
	private pendingLive = 0;
	private dead = 0;
	private job: Job | undefined;
	/** Index into `ranges` of the next range compaction looks at, while compacting. */
	private compactAt: number | undefined;
	private ordered: Segment[] | undefined;
	private cancelSlice: (() => void) | undefined;
	private slices = 0;
	private readonly scheduler: IndexScheduler;
	private readonly sliceMs: number;

	constructor(
		private readonly source: RowSource,
		options: SearchIndexOptions = {},
	) {
		this.scheduler = options.scheduler ?? immediateScheduler;
		this.sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
	}

	// -------------------------------------------------------------------------------------------
	// what the store tells the index

	/** New rows were appended: index them in the background. */
	grew(): void {
		this.kick();
	}

	/** The name or labels of a row changed. */
	changed(row: number): void {
		this.settleJobFor(row);
		if (row >= this.tailStart) return; // not indexed yet: it will be read as it is now
		const state = this.rowSeg[row];
		if (state === PENDING) return;
		if (state >= FIRST_ID) this.markDead(state);
		this.rowSeg[row] = PENDING;
		this.pending.push(row);
		this.pendingLive++;
		this.kick();
	}

	/** A row was removed from the store. */
	removed(row: number): void {
		this.settleJobFor(row);
		if (row >= this.tailStart) return;
		const state = this.rowSeg[row];
		if (state === PENDING) this.pendingLive--;
		else if (state >= FIRST_ID) this.markDead(state);
		this.rowSeg[row] = NONE;
		this.kick();
	}

	/**
	 * The store dropped its holes: old row r is now `prefix[r]` (prefix has one more element than
	 * the old row count; a removed row maps onto its successor). Text stays where it is.
	 */
	renumber(prefix: Int32Array): void {
		this.finishJob();
		const oldCount = prefix.length - 1;
		const isLive = (r: number) => r < oldCount && prefix[r + 1] > prefix[r];
		for (const seg of this.segments()) {
			const rows = seg.rows;
			for (let e = 0; e < rows.length; e++) {
				const r = rows[e];
				rows[e] = r >= 0 && isLive(r) ? prefix[r] : -1;
			}
			seg.minRow = prefix[Math.min(seg.minRow, oldCount)];
		}
		for (const range of this.ranges) {
			range.lo = prefix[Math.min(range.lo, oldCount)];
			range.hi = prefix[Math.min(range.hi, oldCount)];
		}
		const next = this.rowSeg instanceof Uint16Array ? new Uint16Array(this.rowSeg.length) : new Int32Array(this.rowSeg.length);
		for (let r = 0; r < Math.min(oldCount, this.rowSeg.length); r++) if (isLive(r)) next[prefix[r]] = this.rowSeg[r];
		this.rowSeg = next;
		this.pending = this.pending.filter(isLive).map((r) => prefix[r]);
		this.tailStart = prefix[Math.min(this.tailStart, oldCount)];
		this.ordered = undefined;
	}

	/** Forgets everything. */
	clear(): void {
		this.cancelSlice?.();
		this.cancelSlice = undefined;
		this.rowSeg = new Uint16Array(1024);
		this.segById = [undefined, undefined];
		this.freeIds = [];
		this.ranges = [];
		this.deltas = [];
		this.tailStart = 0;
		this.pending = [];
		this.pendingLive = 0;
		this.dead = 0;
		this.job = undefined;
		this.compactAt = undefined;
		this.ordered = undefined;
	}

	dispose(): void {
		this.cancelSlice?.();
		this.cancelSlice = undefined;
	}

	get stats(): IndexStats {
		return {
			segments: this.ranges.reduce((n, r) => n + r.segs.length, 0) + this.deltas.length,
			deltas: this.deltas.length,
			dead: this.dead,
			pending: Math.max(0, this.source.count - this.tailStart) + this.pendingLive,
			slices: this.slices,
		};
	}

	// -------------------------------------------------------------------------------------------
	// doing the work

	/**
	 * Does queued work for about `budgetMs` (it stops after the unit that reaches it; a unit is
	 * folding 128 contacts or building one segment of at most 2,048). True when nothing is left.
	 */
	indexSome(budgetMs: number): boolean {
		const clock = this.scheduler;
		const started = clock.now();
		for (;;) {
			this.job ??= this.nextJob(true);
			if (!this.job) return true;
			this.step(this.job);
			if (clock.now() - started >= budgetMs) return !this.hasWork();
		}
	}

	/** Finishes what search needs now: pending rows and the tail (not compaction). */
	flush(): void {
		for (;;) {
			this.job ??= this.nextJob(false);
			if (!this.job) return;
			this.step(this.job);
		}
	}

	/** Makes sure a slice is coming if there is work. */
	kick(): void {
		if (this.cancelSlice || !this.hasWork()) return;
		this.cancelSlice = this.scheduler.schedule(() => {
			this.cancelSlice = undefined;
			this.slices++;
			this.indexSome(this.sliceMs);
			this.kick();
		});
	}

	private hasWork(): boolean {
		return this.job !== undefined || this.pendingLive > 0 || this.source.count > this.tailStart || this.compactionDue();
	}

	private compactionDue(): boolean {
		if (this.compactAt !== undefined) return true;
		const limit = Math.max(COMPACT_MIN_DEAD, this.source.count >> 4);
		if (this.dead > limit || this.deltas.length > MAX_DELTAS) this.compactAt = 0;
		return this.compactAt !== undefined;
	}

	private nextJob(compaction: boolean): Job | undefined {
		if (this.pending.length > 0) {
			const list: number[] = [];
			while (this.pending.length > 0 && list.length < RANGE_ROWS) {
				const row = this.pending.pop()!;
				if (this.rowSeg[row] === PENDING) list.push(row);
			}
			if (list.length > 0) {
				list.sort((a, b) => a - b);
				return new Job(list[0], list[list.length - 1] + 1, undefined, list);
			}
			if (this.pending.length === 0) this.pendingLive = 0;
		}
		const count = this.source.count;
		if (count > this.tailStart) {
			this.ensureRows(count);
			const last = this.ranges[this.ranges.length - 1];
			if (last && last.hi - last.lo < RANGE_ROWS) return new Job(last.lo, Math.min(count, last.lo + RANGE_ROWS), last, undefined);
			return new Job(this.tailStart, Math.min(count, this.tailStart + RANGE_ROWS), undefined, undefined);
		}
		if (!compaction || !this.compactionDue()) return undefined;
		for (let at = this.compactAt!; at < this.ranges.length; at++) {
			const range = this.ranges[at];
			if (range.segs.some((s) => s.dead > 0)) {
				this.compactAt = at + 1;
				return new Job(range.lo, range.hi, range, undefined);
			}
		}
		this.compactAt = undefined;
		return undefined;
	}

	/** One unit of a job. */
	private step(job: Job): void {
		if (!job.folded) {
			if (job.list) this.foldList(job);
			else this.foldRange(job);
			return;
		}
		if (job.narrow.rows.length > 0) {
			job.built.push(buildSegment(job.narrow, false));
			job.narrow.rows = [];
			job.narrow.texts = [];
			return;
		}
		if (job.wide.rows.length > 0) {
			job.built.push(buildSegment(job.wide, true));
			job.wide.rows = [];
			job.wide.texts = [];
			return;
		}
		this.commit(job);
	}

	private foldList(job: Job): void {
		const list = job.list!;
		const end = Math.min(list.length, job.next + FOLD_BATCH);
		for (let i = job.next; i < end; i++) {
			const row = list[i];
			if (this.rowSeg[row] !== PENDING) continue;
			const contact = this.source.row(row);
			if (contact) add(job, row, haystack(contact));
		}
		job.next = end;
		if (end === list.length) job.folded = true;
	}

	private foldRange(job: Job): void {
		const end = Math.min(job.hi, job.next + FOLD_BATCH);
		const old = job.replaces?.segs;
		for (let row = job.next; row < end; row++) {
			const state = row < this.tailStart ? this.rowSeg[row] : NONE;
			if (state === NONE && row < this.tailStart) continue; // removed
			let text: string | undefined;
			if (state >= FIRST_ID && old) {
				// Live in one of the range's own segments: reuse its entry instead of folding again.
				const k = old.findIndex((s) => s.id === state);
				if (k !== -1) text = entryAt(old[k], row, job.cursors, k);
			}
			if (text === undefined) {
				const contact = this.source.row(row);
				if (!contact) continue;
				text = haystack(contact);
			}
			add(job, row, text);
		}
		job.next = end;
		if (end === job.hi) job.folded = true;
	}

	private commit(job: Job): void {
		this.job = undefined;
		if (job.list) {
			for (const seg of job.built) {
				for (const row of seg.rows) if (this.rowSeg[row] === PENDING) this.pendingLive--;
				seg.range = undefined;
				this.addSegment(seg);
				this.deltas.push(seg);
			}
		} else {
			// Rows taken from a delta or from the pending queue leave a dead entry there.
			for (const seg of job.built) {
				for (const row of seg.rows) {
					const state = row < this.tailStart ? this.rowSeg[row] : NONE;
					if (state === PENDING) this.pendingLive--;
					else if (state >= FIRST_ID && this.segById[state]!.range !== job.replaces) this.markDead(state);
				}
			}
			let range = job.replaces;
			if (range) {
				for (const seg of range.segs) this.dropSegment(seg);
				range.hi = Math.max(range.hi, job.hi);
			} else {
				range = { lo: job.lo, hi: job.hi, segs: [] };
				this.ranges.push(range);
			}
			range.segs = job.built;
			for (const seg of job.built) {
				seg.range = range;
				this.addSegment(seg);
			}
			this.tailStart = Math.max(this.tailStart, job.hi);
		}
		if (this.pendingLive === 0) this.pending = [];
		this.ordered = undefined;
	}

	/** A change to a row that the current job has read: finish the job first, then apply the change. */
	private settleJobFor(row: number): void {
		const job = this.job;
		if (job && job.covers(row, row < this.rowSeg.length ? this.rowSeg[row] : NONE)) this.finishJob();
	}

	private finishJob(): void {
		while (this.job) this.step(this.job);
	}

	private markDead(id: number): void {
		const seg = this.segById[id]!;
		seg.dead++;
		this.dead++;
		if (!seg.range && seg.dead >= seg.rows.length) {
			this.deltas.splice(this.deltas.indexOf(seg), 1);
			this.dropSegment(seg);
			this.ordered = undefined;
		}
	}

	private addSegment(seg: Segment): void {
		let id = this.freeIds.pop();
		if (id === undefined) {
			id = this.segById.length;
			this.segById.push(undefined);
			if (id > 0xffff && this.rowSeg instanceof Uint16Array) this.rowSeg = Int32Array.from(this.rowSeg);
		}
		seg.id = id;
		this.segById[id] = seg;
		for (const row of seg.rows) this.rowSeg[row] = id;
	}

	private dropSegment(seg: Segment): void {
		this.dead -= seg.dead;
		this.segById[seg.id] = undefined;
		this.freeIds.push(seg.id);
	}

	private ensureRows(count: number): void {
		if (count <= this.rowSeg.length) return;
		let size = this.rowSeg.length;
		while (size < count) size *= 2;
		const next = this.rowSeg instanceof Uint16Array ? new Uint16Array(size) : new Int32Array(size);
		next.set(this.rowSeg);
		this.rowSeg = next;
	}

	private segments(): Segment[] {
		return [...this.ranges.flatMap((r) => r.segs), ...this.deltas];
	}

	// -------------------------------------------------------------------------------------------
	// searching

	/** Rows of up to `limit` contacts matching `query`, best first. */
	search(query: string, limit: number): number[] {
		const q = foldQuery(query);
		if (!q || limit <= 0) return [];
		this.flush();
		this.ordered ??= this.segments().sort((a, b) => a.minRow - b.minRow);
		const segs = this.ordered;
		const out: number[] = [];
		const taken = new Set<number>();
		const digitsOnly = q.length >= DIGIT_STEP && /^\d+$/.test(q);
		for (const rank of [RANK_NAME, RANK_WORD, RANK_INFIX]) {
			const found = this.collect(segs, rank, q, limit - out.length, taken, digitsOnly);
			for (const row of found) {
				out.push(row);
				taken.add(row);
			}
			if (out.length >= limit) break;
		}
		return out;
	}

	/**
	 * The first `need` rows (in load order) whose best match has `rank`, given that `taken` holds
	 * every row with a better one. Visits segments by their lowest row and stops as soon as no
	 * later segment can hold a row before the need-th found.
	 */
	private collect(segs: Segment[], rank: number, q: string, need: number, taken: Set<number>, digitsOnly: boolean): number[] {
		let found: number[] = [];
		const seen = new Set<number>();
		const rowSeg = this.rowSeg;
		// The sorted starts order fields by their first MAX_KEY characters: a longer q is looked up
		// by its head and each hit checked.
		const head = q.length > MAX_KEY ? q.slice(0, MAX_KEY) : q;
		const long = head !== q;
		const take = (seg: Segment, entry: number) => {
			const row = seg.rows[entry];
			if (row < 0 || rowSeg[row] !== seg.id || taken.has(row) || seen.has(row)) return;
			seen.add(row);
			found.push(row);
		};
		for (let i = 0; i < segs.length; i++) {
			const seg = segs[i];
			if (seg.dead >= seg.rows.length) continue;
			if (rank === RANK_NAME) {
				const [lo, hi] = nameRange(seg, head);
				for (let k = lo; k < hi; k++) {
					const entry = seg.names[k];
					if (!long || seg.text.startsWith(q, seg.starts[entry] + 1)) take(seg, entry);
				}
			} else if (rank === RANK_WORD) {
				const [lo, hi] = prefixRange(seg.text, seg.words, head);
				for (let k = lo; k < hi; k++) {
					if (!long || seg.text.startsWith(q, seg.words[k])) take(seg, entryOf(seg.starts, seg.words[k]));
				}
			} else if (digitsOnly) {
				// Every match of a digit string covers a sampled digit within its first DIGIT_STEP characters.
				for (let j = 0; j < DIGIT_STEP; j++) {
					const rest = q.slice(j, j + MAX_KEY);
					const [lo, hi] = prefixRange(seg.text, seg.digits, rest);
					for (let k = lo; k < hi; k++) {
						const at = seg.digits[k] - j;
						if (seg.text.startsWith(q, at)) take(seg, entryOf(seg.starts, at));
					}
				}
			} else {
				const text = seg.text;
				let at = text.indexOf(q);
				while (at !== -1) {
					const entry = entryOf(seg.starts, at);
					take(seg, entry);
					// One result per entry: go on from the next one.
					at = entry + 1 < seg.starts.length ? text.indexOf(q, seg.starts[entry + 1]) : -1;
				}
			}
			if (found.length >= need) {
				found.sort((a, b) => a - b);
				if (found.length > need) found = found.slice(0, need);
				if (i + 1 >= segs.length || segs[i + 1].minRow > found[need - 1]) break;
			}
		}
		return found.sort((a, b) => a - b).slice(0, need);
	}
}

const RANK_NAME = 0;
const RANK_WORD = 1;
const RANK_INFIX = 2;

function add(job: Job, row: number, text: string): void {
	const part = /[\u0100-\uffff]/.test(text) ? job.wide : job.narrow;
	part.rows.push(row);
	part.texts.push(text);
}

/** The text of `row`'s entry in old segment k of a range job (cursor k walks its rows in order). */
function entryAt(seg: Segment, row: number, cursors: number[], k: number): string | undefined {
	let c = cursors[k];
	while (c < seg.rows.length && seg.rows[c] < row) c++;
	cursors[k] = c;
	if (c >= seg.rows.length || seg.rows[c] !== row) return undefined;
	return seg.text.slice(seg.starts[c], c + 1 < seg.starts.length ? seg.starts[c + 1] : seg.text.length);
}

function isDigit(c: number): boolean {
	return c >= 48 && c <= 57;
}

/** Builds one segment from folded entries (rows ascending). */
function buildSegment(part: Part, wide: boolean): Segment {
	const text = part.texts.join('');
	const n = part.texts.length;
	const big = text.length > 0xffff;
	const starts = big ? new Int32Array(n) : new Uint16Array(n);
	const names: number[] = [];
	const words: number[] = [];
	const digits: number[] = [];
	let offset = 0;
	for (let e = 0; e < n; e++) {
		const entry = part.texts[e];
		starts[e] = offset;
		if (entry.charCodeAt(1) !== TAB) names.push(e);
		let prev = NEWLINE;
		let run = -1;
		for (let i = 1; i < entry.length; i++) {
			const c = entry.charCodeAt(i);
			const wordStart = prev === SPACE || prev === TAB || i === 1;
			if (wordStart && i > 1 && c !== TAB && c !== SPACE) words.push(offset + i);
			if (isDigit(c)) {
				if (!isDigit(prev)) run = i;
				// A run's first digit at a word start is found as a word start (rank 1) already.
				if ((i - run) % DIGIT_STEP === 0 && !(wordStart && i === run)) digits.push(offset + i);
			}
			prev = c;
		}
		offset += entry.length;
	}
	const nameOrder = sortOrder(
		text,
		names.map((e) => starts[e] + 1),
		wide,
	);
	const sortedNames = n > 0xffff ? new Int32Array(names.length) : new Uint16Array(names.length);
	for (let i = 0; i < nameOrder.length; i++) sortedNames[i] = names[nameOrder[i]];
	return {
		id: 0,
		text,
		starts,
		rows: Int32Array.from(part.rows),
		minRow: part.rows[0],
		names: sortedNames,
		words: sorted(text, words, wide),
		digits: sorted(text, digits, wide),
		dead: 0,
		range: undefined,
	};
}

/** The code unit at `at`, or -1 where the field (and so any match) ends. */
function codeAt(text: string, at: number): number {
	const c = text.charCodeAt(at);
	return c === TAB || c === NEWLINE || c !== c ? -1 : c;
}

/** Compares the fields starting at a and b (each up to its field's end), over at most `limit` characters. */
function compareFields(text: string, a: number, b: number, limit = MAX_KEY): number {
	for (let i = 0; i < limit; i++) {
		const ca = codeAt(text, a + i);
		const cb = codeAt(text, b + i);
		if (ca !== cb) return ca - cb;
		if (ca === -1) return 0;
	}
	return 0;
}

/** Characters of a field the sort looks at; a longer query is checked with startsWith. */
const MAX_KEY = 64;
const INDEX_BITS = 2 ** 21;
const INDEX_SCALE = 1 / INDEX_BITS;

/** Positions sorted by the field text from each. */
function sorted(text: string, pos: number[], wide: boolean): Positions {
	const order = sortOrder(text, pos, wide);
	const out = text.length > 0xffff ? new Int32Array(pos.length) : new Uint16Array(pos.length);
	for (let i = 0; i < order.length; i++) out[i] = pos[order[i]];
	return out;
}

/**
 * The permutation that sorts positions by the first MAX_KEY characters of the field from each,
 * in code unit order: a most-significant-first radix sort, 4 one-byte (or 2 two-byte) characters
 * at a time packed with the element's index into one double, each pass a native typed-array sort.
 */
function sortOrder(text: string, pos: number[], wide: boolean): Int32Array {
	const n = pos.length;
	const order = new Int32Array(n);
	for (let i = 0; i < n; i++) order[i] = i;
	if (n >= INDEX_BITS) {
		// Never in practice (2 million starts in 2,048 contacts): sort by comparison.
		const all = Array.from(order).sort((a, b) => compareFields(text, pos[a], pos[b]));
		order.set(all);
		return order;
	}
	sortPass(text, pos, order, 0, n, 0, wide ? 2 : 4, wide ? 65536 : 256);
	return order;
}

/** Scratch for sortPass, reused: a build sorts thousands of small runs. */
let scratchKeys = new Float64Array(4096);
let scratchOrder = new Int32Array(4096);

function sortPass(text: string, pos: number[], order: Int32Array, lo: number, hi: number, depth: number, width: number, base: number): void {
	const n = hi - lo;
	const skip = depth * width;
	if (n <= 12) {
		insertionSort(text, pos, order, lo, hi, skip);
		return;
	}
	if (scratchKeys.length < n) {
		scratchKeys = new Float64Array(n);
		scratchOrder = new Int32Array(n);
	}
	const keys = scratchKeys.subarray(0, n);
	for (let k = 0; k < n; k++) {
		const p = pos[order[lo + k]] + skip;
		// Where the field ends within this window, the rest is 0 (no character is 0: fold() drops NUL).
		let key = 0;
		let ended = false;
		for (let j = 0; j < width; j++) {
			let c = 0;
			if (!ended) {
				c = codeAt(text, p + j);
				if (c === -1) {
					c = 0;
					ended = true;
				}
			}
			key = key * base + c;
		}
		keys[k] = key * INDEX_BITS + k;
	}
	keys.sort();
	const before = scratchOrder;
	before.set(order.subarray(lo, hi));
	for (let k = 0; k < n; k++) {
		const v = keys[k];
		order[lo + k] = before[v - Math.floor(v * INDEX_SCALE) * INDEX_BITS];
	}
	if (skip + width >= MAX_KEY) return;
	// Ties whose last character is not the end go on to the next window. (Read the run bounds
	// first: the recursion reuses the scratch keys.)
	const runs: number[] = [];
	for (let i = 0; i < n; ) {
		const key = Math.floor(keys[i] * INDEX_SCALE);
		let j = i + 1;
		while (j < n && Math.floor(keys[j] * INDEX_SCALE) === key) j++;
		if (j - i > 1 && key % base !== 0) runs.push(lo + i, lo + j);
		i = j;
	}
	for (let r = 0; r < runs.length; r += 2) sortPass(text, pos, order, runs[r], runs[r + 1], depth + 1, width, base);
}

/** Sorts a small run by comparing its fields from `skip` (where they are known to be equal so far). */
function insertionSort(text: string, pos: number[], order: Int32Array, lo: number, hi: number, skip: number): void {
	const limit = MAX_KEY - skip;
	for (let i = lo + 1; i < hi; i++) {
		const v = order[i];
		const p = pos[v] + skip;
		let j = i - 1;
		while (j >= lo && compareFields(text, pos[order[j]] + skip, p, limit) > 0) {
			order[j + 1] = order[j];
			j--;
		}
		order[j + 1] = v;
	}
}

/** Sign of (the field at `at`, cut to q's length) against q: 0 when the field starts with q. */
function comparePrefix(text: string, at: number, q: string): number {
	for (let i = 0; i < q.length; i++) {
		const c = codeAt(text, at + i);
		const d = q.charCodeAt(i);
		if (c !== d) return c < d ? -1 : 1;
	}
	return 0;
}

/**
 * [lo, hi) of the sorted positions whose field starts with q (with q cut to MAX_KEY characters:
 * for a longer q, check each with startsWith).
 */
function prefixRange(text: string, sorted: Positions, q: string): [number, number] {
	let lo = 0;
	let hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (comparePrefix(text, sorted[mid], q) < 0) lo = mid + 1;
		else hi = mid;
	}
	if (lo === sorted.length || comparePrefix(text, sorted[lo], q) !== 0) return [lo, lo];
	const first = lo;
	hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (comparePrefix(text, sorted[mid], q) <= 0) lo = mid + 1;
		else hi = mid;
	}
	return [first, lo];
}

/** Like prefixRange over the name starts, which are kept as entry numbers. */
function nameRange(seg: Segment, q: string): [number, number] {
	const { text, starts, names } = seg;
	let lo = 0;
	let hi = names.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (comparePrefix(text, starts[names[mid]] + 1, q) < 0) lo = mid + 1;
		else hi = mid;
	}
	if (lo === names.length || comparePrefix(text, starts[names[lo]] + 1, q) !== 0) return [lo, lo];
	const first = lo;
	hi = names.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (comparePrefix(text, starts[names[mid]] + 1, q) <= 0) lo = mid + 1;
		else hi = mid;
	}
	return [first, lo];
}

/** The entry holding offset `at` (binary search over ascending starts). */
function entryOf(starts: Positions, at: number): number {
	let lo = 0;
	let hi = starts.length - 1;
	while (lo < hi) {
		const mid = (lo + hi + 1) >> 1;
		if (starts[mid] <= at) lo = mid;
		else hi = mid - 1;
	}
	return lo;
}
