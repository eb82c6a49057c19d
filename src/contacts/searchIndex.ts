// Search over name, number and labels, for hundreds of thousands of contacts.
//
// Each contact is one folded entry, `\n` name `\t` number (`\t` label)*, identified by its store
// row (rows are numbered in load order). Entries live in segments of at most 2,048: one string of
// entries plus, sorted by the text that follows them, typed arrays of where names, words and fields
// start, and of every third digit of each digit run. A query binary-searches those in each
// segment: name starts (rank 0), then word and field starts (rank 1), then, only when these leave
// room in the result list, infixes (rank 2: digit queries through the sampled digits, other
// queries by an indexOf sweep that stops once the list is full). Within a rank, load order. Small
// signatures per segment (which character pairs its text holds, how its names and words begin)
// let a query skip segments that cannot match, and a directory by the first three digits cuts a
// digit lookup to a few steps: at 500,000 contacts a query touches a few hundred small arrays.
//
// Units (what one job builds: a one-byte segment and a two-byte one, since V8 stores a string
// with a single two-byte character at two bytes a character throughout; an entry whose name alone
// needs two bytes is split there, its number and labels staying in the one-byte segment):
// - base: the rows [lo, hi) of a range of up to RANGE_ROWS rows.
// - delta: contacts whose name or labels changed after their range was built. Their old entry
//   stays in the base unit, dead (a row lives in exactly one unit: `rowSeg`), until dead entries
//   pass 1/16 of the rows; then compaction rebuilds the ranges holding them, reusing the live
//   entries' text, and the emptied deltas go.
//
// Work happens in jobs cut into units of work (fold 128 rows; join a segment's text), run in
// slices by a scheduler (setImmediate by default) after each change: a slice stops once it has used
// its budget (6 ms). A segment is searchable as soon as its text is (a query sweeps it, like a plain
// index); sorting its starts (in steps: finding them 512 entries at a time, a counting pass by
// first character, then radix passes of about 1,024 positions each, words then digits) comes
// after all rows are searchable, so during a load the background spends its time where search
// needs it. The background builds full ranges only;
// prepare() (a search is opening) has it do the partial last range too. search() first finishes
// what is queued as text (normally at most that partial range), so it is always complete and never
// sees a half-built segment; a change during a job never waits for the job (its entry is marked
// stale at commit).
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
	// eslint-disable-next-line no-control-regex
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
	const raw = contact.contact_name;
	const name = raw ? fold(raw) : '';
	let labels = labelParts.get(contact.labels);
	if (labels === undefined) {
		labels = '';
		for (const label of contact.labels) labels += FIELD + fold(label);
		if (Object.isFrozen(contact.labels)) labelParts.set(contact.labels, labels);
	}
	let number = bareNumber(contact.contact_id);
	// eslint-disable-next-line no-control-regex
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
	/** Sizes, for tests that want many small segments: rows per range, compaction thresholds. */
	tuning?: { rangeRows?: number; foldBatch?: number; compactMinDead?: number; maxDeltas?: number };
}

export interface IndexStats {
	segments: number;
	deltas: number;
	/** Entries still held for contacts that changed or went (reclaimed by compaction). */
	dead: number;
	/** Rows not indexed yet (new, or changed and waiting for a delta). */
	pending: number;
	/** Segments searchable but not sorted yet (a query sweeps them). */
	unsorted: number;
	/** Slices run so far. */
	slices: number;
	/** Work queued (indexing or compaction). */
	busy: boolean;
}

/** Rows per base range. Keeps each segment's text under 64K characters (two-byte offsets) in practice. */
export const RANGE_ROWS = 2048;
/** Rows folded per unit of work. */
const FOLD_BATCH = 128;
/** Every DIGIT_STEP-th digit of a digit run is a sampled start: digit queries this long or longer need no sweep. */
const DIGIT_STEP = 3;
const DEFAULT_SLICE_MS = 6;
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
	unit: Unit | undefined;
}

/**
 * What one job built: one or two segments (one-byte and two-byte entries). A row lives in exactly
 * one unit (`rowSeg`), with an entry in one of its segments or, when its name needs two bytes a
 * character and the rest does not, the name in one and number and labels in the other.
 */
interface Unit {
	id: number;
	/** Replaced by a rebuild or emptied: its segments are no longer searched or sorted. */
	dropped: boolean;
	segs: Segment[];
	/** Distinct rows it was built with. */
	rows: number;
	/** Of those, rows no longer live here (changed since, or removed). */
	dead: number;
	/** The range it indexes; undefined for a delta. */
	range: Range | undefined;
}

interface Segment {
	unit: Unit;
	text: string;
	/** Holds two-byte characters (sorting packs fewer characters a key). */
	wide: boolean;
	/** Offset of each entry in `text`, ascending. */
	starts: Positions;
	/** Row of each entry (rowBase + this), ascending; `noRow` once a renumbering dropped it. */
	rows: Uint16Array | Int32Array;
	rowBase: number;
	noRow: number;
	/** A lower bound of its rows, for visiting segments in load order. */
	minRow: number;
	/**
	 * Where names, words and fields start, sorted by the text from there to the field's end. A name
	 * start follows the entry mark (rank 0), any other a space or a field mark (rank 1). Undefined
	 * until the segment is sorted: until then a query sweeps its text.
	 */
	words: Positions | undefined;
	/** Every DIGIT_STEP-th digit of each digit run, sorted likewise (once sorted). */
	digits: Positions | undefined;
	/** digitDirectory[k]: the first of `digits` not below the 3-digit string k (k = 0..1000); none for few digits. */
	digitDirectory: Uint16Array | Int32Array | undefined;
	/** First character and first pair of each name start (bits 0-511) and word start (512-1023), hashed (once sorted). */
	heads: Uint32Array | undefined;
	/** Which character pairs occur in `text` (hashed into SIGNATURE_BITS bits): a query with a pair it lacks skips it. */
	pairs: Uint32Array;
}

class Part {
	rows: number[] = [];
	texts: string[] = [];
}

/** A unit being built: rows folded a batch at a time, then its segments built one per unit of work. */
class Job {
	readonly narrow = new Part();
	readonly wide = new Part();
	/** Rows folded, ascending. */
	readonly rows: number[] = [];
	/** Next position in the range (a row) or in `list`. */
	next: number;
	readonly built: Segment[] = [];
	folded = false;
	/** Rows changed or removed while the job ran: their entries in `built` are stale. */
	readonly touched = new Set<number>();
	/** For a range job: a cursor per segment of the range's old unit, to reuse live entries' text. */
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
		this.cursors = replaces?.unit ? replaces.unit.segs.map(() => 0) : [];
	}

	covers(row: number, state: number): boolean {
		return this.list ? state === PENDING : row >= this.lo && row < this.hi;
	}
}

export class SearchIndex {
	/** Row -> NONE, PENDING or the id of the unit its live entry is in. */
	private rowSeg: Uint16Array | Int32Array = new Uint16Array(1024);
	private unitById: (Unit | undefined)[] = [undefined, undefined];
	private freeIds: number[] = [];
	private ranges: Range[] = [];
	private deltas: Unit[] = [];
	/** Segments not sorted yet, oldest first, and where the sort of the first one is. */
	private unsorted: Segment[] = [];
	private sorting: SegmentSort | undefined;
	/** Rows below this went into a range (or were looked at and found removed). */
	private tailStart = 0;
	private pending: number[] = [];
	private pendingLive = 0;
	/** Dead rows over all units. */
	private dead = 0;
	private job: Job | undefined;
	/** Index into `ranges` of the next range compaction looks at, while compacting. */
	private compactAt: number | undefined;
	private deadAfterCompaction = -1;
	private ordered: Segment[] | undefined;
	private cancelSlice: (() => void) | undefined;
	/** Set by prepare(): index the partial last range too, until caught up. */
	private eager = false;
	private slices = 0;
	private readonly scheduler: IndexScheduler;
	private readonly sliceMs: number;
	private readonly rangeRows: number;
	private readonly foldBatch: number;
	/** When the running slice should end (a fold checks it every FOLD_CHECK rows); Infinity outside a slice. */
	private deadline = Infinity;
	private readonly compactMinDead: number;
	private readonly maxDeltas: number;

	constructor(
		private readonly source: RowSource,
		options: SearchIndexOptions = {},
	) {
		this.scheduler = options.scheduler ?? immediateScheduler;
		this.sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
		this.rangeRows = options.tuning?.rangeRows ?? RANGE_ROWS;
		this.foldBatch = options.tuning?.foldBatch ?? FOLD_BATCH;
		this.compactMinDead = options.tuning?.compactMinDead ?? COMPACT_MIN_DEAD;
		this.maxDeltas = options.tuning?.maxDeltas ?? MAX_DELTAS;
	}

	// -------------------------------------------------------------------------------------------
	// what the store tells the index

	/** New rows were appended: index them in the background. */
	grew(): void {
		this.kick();
	}

	/** The name or labels of a row changed. */
	changed(row: number): void {
		const state = row < this.rowSeg.length ? this.rowSeg[row] : NONE;
		this.noteTouched(row, state);
		if (row >= this.tailStart) return; // not indexed yet: it will be read as it is now
		if (state === PENDING) return;
		if (state >= FIRST_ID) this.markDead(state);
		this.rowSeg[row] = PENDING;
		this.pending.push(row);
		this.pendingLive++;
		this.kick();
	}

	/** A row was removed from the store. */
	removed(row: number): void {
		const state = row < this.rowSeg.length ? this.rowSeg[row] : NONE;
		this.noteTouched(row, state);
		if (row >= this.tailStart) return;
		if (state === PENDING) this.pendingLive--;
		else if (state >= FIRST_ID) this.markDead(state);
		this.rowSeg[row] = NONE;
		this.kick();
	}

	/**
	 * A change to a row the running job may have read already: the job goes on, and at commit the
	 * row's new entry counts as dead and the row is queued again. Ingest never waits for a job.
	 */
	private noteTouched(row: number, state: number): void {
		if (this.job?.covers(row, state)) this.job.touched.add(row);
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
			// Order is kept, so 16-bit offsets from the (renumbered) base stay in range.
			const base = seg.rows instanceof Uint16Array ? prefix[Math.min(seg.rowBase, oldCount)] : 0;
			for (let e = 0; e < seg.rows.length; e++) {
				const r = rowAt(seg, e);
				seg.rows[e] = r >= 0 && isLive(r) ? prefix[r] - base : seg.noRow;
			}
			seg.rowBase = base;
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
		this.unitById = [undefined, undefined];
		this.freeIds = [];
		this.ranges = [];
		this.deltas = [];
		this.unsorted = [];
		this.sorting = undefined;
		this.tailStart = 0;
		this.pending = [];
		this.pendingLive = 0;
		this.dead = 0;
		this.job = undefined;
		this.compactAt = undefined;
		this.deadAfterCompaction = -1;
		this.eager = false;
		this.ordered = undefined;
	}

	dispose(): void {
		this.cancelSlice?.();
		this.cancelSlice = undefined;
	}

	get stats(): IndexStats {
		return {
			segments: this.segments().length,
			deltas: this.deltas.length,
			dead: this.dead,
			pending: Math.max(0, this.source.count - this.tailStart) + this.pendingLive,
			unsorted: this.unsorted.length,
			slices: this.slices,
			busy: this.hasWork(),
		};
	}

	// -------------------------------------------------------------------------------------------
	// doing the work

	/**
	 * Does queued work for about `budgetMs` (it stops after the unit of work that reaches it:
	 * folding 128 contacts, joining a segment's text, or a step of sorting a segment: finding its
	 * starts, or a radix pass over about 1,024 of them; a fold also stops at the deadline). True when
	 * nothing is left.
	 */
	indexSome(budgetMs: number): boolean {
		const clock = this.scheduler;
		const started = clock.now();
		this.deadline = started + budgetMs;
		try {
			for (;;) {
				if (!this.unitOfWork(true, this.eager)) {
					this.eager = false;
					return true;
				}
				if (clock.now() - started >= budgetMs) return !this.hasWork();
			}
		} finally {
			this.deadline = Infinity;
		}
	}

	/**
	 * One unit of work: the running job's next, else (in this order) pending rows, the tail,
	 * sorting a segment, compaction. False when there is nothing to do.
	 */
	private unitOfWork(background: boolean, partialTail: boolean): boolean {
		this.job ??= this.nextJob(false, partialTail);
		if (this.job) {
			this.step(this.job);
			return true;
		}
		if (!background) return false;
		if (this.sortSome()) return true;
		this.job = this.nextJob(true, partialTail);
		if (!this.job) return false;
		this.step(this.job);
		return true;
	}

	/**
	 * Finishes what search needs now: pending rows and the tail, as searchable text (not sorting,
	 * not compaction; a query sweeps unsorted segments).
	 */
	flush(): void {
		while (this.unitOfWork(false, true));
		// What it built still needs sorting: in the background.
		this.kick();
	}

	/**
	 * One step of sorting the oldest unsorted segment: finding the starts of FIND_STEP entries, a
	 * counting pass by first character, radix passes over about SORT_STEP positions (words, then
	 * digits), or putting a finished list in place. Even run cold, before the JIT has compiled it,
	 * a step stays short (a whole segment at once took 20-30 ms).
	 */
	private sortSome(): boolean {
		while (this.unsorted.length > 0 && this.unsorted[0].unit.dropped) this.unsorted.shift();
		const seg = this.unsorted[0];
		if (!seg) return false;
		if (this.sorting?.seg !== seg) this.sorting = { seg, found: 0, names: [], words: [], digits: [], heads: undefined, sort: undefined };
		const sorting = this.sorting;
		if (!sorting.sort) {
			if (!findStarts(sorting, FIND_STEP)) return true;
			sorting.heads = headSignature(seg.text, sorting.names, sorting.words);
			sorting.sort = new StepSort(seg.text, sorting.words.concat(sorting.names), seg.wide);
			return true;
		}
		if (!sorting.sort.step(SORT_STEP)) return true;
		if (sorting.digits !== undefined) {
			// Words are searchable from here; the digits' sort follows.
			seg.heads = sorting.heads!;
			seg.words = sorting.sort.result();
			sorting.sort = new StepSort(seg.text, sorting.digits, seg.wide);
			sorting.digits = undefined;
			return true;
		}
		const digits = sorting.sort.result();
		// A directory only pays where there are many digits (numbers); else a plain binary search.
		seg.digitDirectory = digits.length >= 256 ? directory(seg.text, digits) : undefined;
		seg.digits = digits;
		this.sorting = undefined;
		this.unsorted.shift();
		return true;
	}

	/**
	 * A search is about to start: index the last, partial range too (the background otherwise
	 * builds only full ranges, so a page that extends a range does not make it sort twice).
	 */
	prepare(): void {
		this.eager = true;
		this.kick();
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
		return this.job !== undefined || this.pendingLive > 0 || this.tailWork(this.eager) || this.unsorted.length > 0 || this.compactionDue();
	}

	/** Whether the tail has rows to index: a full range's worth, or any when `partial`. */
	private tailWork(partial: boolean): boolean {
		const count = this.source.count;
		if (count <= this.tailStart) return false;
		if (partial) return true;
		const last = this.ranges[this.ranges.length - 1];
		const from = last && last.hi - last.lo < this.rangeRows ? last.lo : this.tailStart;
		return count - from >= this.rangeRows;
	}

	private compactionDue(): boolean {
		if (this.compactAt !== undefined) return true;
		const limit = Math.max(this.compactMinDead, this.source.count >> 4);
		// After a pass, only start another once something changed.
		if ((this.dead > limit || this.deltas.length > this.maxDeltas) && this.dead !== this.deadAfterCompaction) this.compactAt = 0;
		return this.compactAt !== undefined;
	}

	/** Pending rows or the tail; or, when `compaction`, a range to compact once neither is left. */
	private nextJob(compaction: boolean, partialTail: boolean): Job | undefined {
		if (this.pending.length > 0) {
			// A row can be queued twice (changed, absorbed by a range rebuild, changed again).
			const rows = new Set<number>();
			while (this.pending.length > 0 && rows.size < this.rangeRows) {
				const row = this.pending.pop()!;
				if (this.rowSeg[row] === PENDING) rows.add(row);
			}
			if (rows.size > 0) {
				const list = [...rows].sort((a, b) => a - b);
				return new Job(list[0], list[list.length - 1] + 1, undefined, list);
			}
			if (this.pending.length === 0) this.pendingLive = 0;
		}
		const count = this.source.count;
		if (this.tailWork(partialTail)) {
			this.ensureRows(count);
			const last = this.ranges[this.ranges.length - 1];
			if (last && last.hi - last.lo < this.rangeRows) return new Job(last.lo, Math.min(count, last.lo + this.rangeRows), last, undefined);
			return new Job(this.tailStart, Math.min(count, this.tailStart + this.rangeRows), undefined, undefined);
		}
		if (!compaction || !this.compactionDue()) return undefined;
		for (let at = this.compactAt!; at < this.ranges.length; at++) {
			const range = this.ranges[at];
			if (range.unit && range.unit.dead > 0) {
				this.compactAt = at + 1;
				return new Job(range.lo, range.hi, range, undefined);
			}
		}
		this.compactAt = undefined;
		this.deadAfterCompaction = this.dead;
		return undefined;
	}

	/** One unit of work of a job. */
	private step(job: Job): void {
		if (!job.folded) {
			if (job.list) this.foldList(job);
			else this.foldRange(job);
			return;
		}
		for (const part of [job.narrow, job.wide]) {
			if (part.rows.length === 0) continue;
			// One unit a segment: its text, searchable by a sweep; sorting comes later (sortSome).
			job.built.push(textSegment(part, part === job.wide));
			part.rows = [];
			part.texts = [];
			return;
		}
		this.commit(job);
	}

	/**
	 * Whether a fold stops early, after `folded` rows of its batch: every FOLD_CHECK rows it looks
	 * whether the slice's deadline passed (code not compiled yet, or rows being built from the
	 * cache's columns, make a batch several times slower).
	 */
	private pastDeadline(folded: number): boolean {
		return folded > 0 && folded % FOLD_CHECK === 0 && this.scheduler.now() > this.deadline;
	}

	private foldList(job: Job): void {
		const list = job.list!;
		let end = Math.min(list.length, job.next + this.foldBatch);
		for (let i = job.next; i < end; i++) {
			if (this.pastDeadline(i - job.next)) {
				end = i;
				break;
			}
			const row = list[i];
			if (this.rowSeg[row] !== PENDING) continue;
			const contact = this.source.row(row);
			if (contact) add(job, row, haystack(contact));
		}
		job.next = end;
		if (end === list.length) job.folded = true;
	}

	private foldRange(job: Job): void {
		let end = Math.min(job.hi, job.next + this.foldBatch);
		const old = job.replaces?.unit;
		for (let row = job.next; row < end; row++) {
			if (this.pastDeadline(row - job.next)) {
				end = row;
				break;
			}
			const state = row < this.tailStart ? this.rowSeg[row] : NONE;
			if (state === NONE && row < this.tailStart) continue; // removed
			// Live in the range's own unit: reuse its text instead of folding again.
			let text = old && state === old.id ? textOf(old, row, job.cursors) : undefined;
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
		const touched = job.touched;
		const unit: Unit = { id: 0, dropped: false, segs: job.built, rows: job.rows.length, dead: 0, range: job.replaces };
		for (const seg of job.built) seg.unit = unit;
		for (const row of job.rows) {
			if (touched.has(row)) {
				unit.dead++;
				continue;
			}
			const state = row < this.tailStart || job.list ? this.rowSeg[row] : NONE;
			if (state === PENDING) this.pendingLive--;
			// Taken from a delta: that one keeps a dead entry.
			else if (state >= FIRST_ID && (job.list || this.unitById[state] !== job.replaces?.unit)) this.markDead(state);
		}
		if (job.list) {
			this.deltas.push(unit);
			this.addUnit(unit, touched);
			// Changed again while folded: still pending, queue them again.
			for (const row of touched) if (this.rowSeg[row] === PENDING) this.pending.push(row);
		} else {
			let range = job.replaces;
			if (range) {
				if (range.unit) this.dropUnit(range.unit);
				range.hi = Math.max(range.hi, job.hi);
			} else {
				range = { lo: job.lo, hi: job.hi, unit: undefined };
				this.ranges.push(range);
			}
			range.unit = unit;
			unit.range = range;
			this.addUnit(unit, touched);
			this.tailStart = Math.max(this.tailStart, job.hi);
			// Changed while the job ran (its entry is stale): index them again, as changed rows.
			for (const row of touched) {
				if (!this.source.row(row)) {
					this.rowSeg[row] = NONE;
				} else if (this.rowSeg[row] !== PENDING) {
					this.rowSeg[row] = PENDING;
					this.pending.push(row);
					this.pendingLive++;
				}
			}
		}
		if (this.pendingLive === 0) this.pending = [];
		this.ordered = undefined;
	}

	private finishJob(): void {
		while (this.job) this.step(this.job);
	}

	private markDead(id: number): void {
		const unit = this.unitById[id]!;
		unit.dead++;
		this.dead++;
		if (!unit.range && unit.dead >= unit.rows) {
			this.deltas.splice(this.deltas.indexOf(unit), 1);
			this.dropUnit(unit);
			this.ordered = undefined;
		}
	}

	private addUnit(unit: Unit, stale: ReadonlySet<number>): void {
		for (const seg of unit.segs) this.unsorted.push(seg);
		let id = this.freeIds.pop();
		if (id === undefined) {
			id = this.unitById.length;
			this.unitById.push(undefined);
			if (id > 0xffff && this.rowSeg instanceof Uint16Array) this.rowSeg = Int32Array.from(this.rowSeg);
		}
		unit.id = id;
		this.unitById[id] = unit;
		this.dead += unit.dead;
		for (const seg of unit.segs) {
			for (let e = 0; e < seg.rows.length; e++) {
				const row = rowAt(seg, e);
				if (!stale.has(row)) this.rowSeg[row] = id;
			}
		}
		// A delta all of whose rows changed again while it was built holds nothing.
		if (!unit.range && unit.dead >= unit.rows) {
			this.deltas.splice(this.deltas.indexOf(unit), 1);
			this.dropUnit(unit);
		}
	}

	private dropUnit(unit: Unit): void {
		unit.dropped = true;
		this.dead -= unit.dead;
		this.unitById[unit.id] = undefined;
		this.freeIds.push(unit.id);
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
		const out: Segment[] = [];
		for (const range of this.ranges) if (range.unit) out.push(...range.unit.segs);
		for (const unit of this.deltas) out.push(...unit.segs);
		return out;
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
		const pairs = pairBits(q.length > MAX_KEY ? q.slice(0, MAX_KEY) : q);
		for (const rank of [RANK_NAME, RANK_WORD, RANK_INFIX]) {
			const found = this.collect(segs, rank, q, limit - out.length, taken, digitsOnly, pairs);
			for (const row of found) {
				out.push(row);
				taken.add(row);
			}
			if (out.length >= limit) break;
		}
		return out;
	}

	/**
	 * Every row matching `query` anywhere (name, number or label, as search() would find it), as
	 * a mark per row, unranked: for a filter, which wants all matches and no order. One indexOf
	 * sweep per segment that can hold the query.
	 */
	matchAll(query: string, rowCount: number): Uint8Array | undefined {
		const q = foldQuery(query);
		if (!q) return undefined;
		this.flush();
		const marks = new Uint8Array(rowCount);
		const rowSeg = this.rowSeg;
		const pairs = pairBits(q.length > MAX_KEY ? q.slice(0, MAX_KEY) : q);
		for (const seg of this.segments()) {
			if (seg.unit.dead >= seg.unit.rows || !hasPairs(seg, pairs)) continue;
			const { text, starts } = seg;
			let at = text.indexOf(q);
			while (at !== -1) {
				const entry = entryOf(starts, at);
				const row = rowAt(seg, entry);
				if (row >= 0 && row < rowCount && rowSeg[row] === seg.unit.id) marks[row] = 1;
				at = entry + 1 < starts.length ? text.indexOf(q, starts[entry + 1]) : -1;
			}
		}
		return marks;
	}

	/**
	 * The first `need` rows (in load order) whose best match has `rank`, given that `taken` holds
	 * every row with a better one. Visits segments by their lowest row and stops as soon as no
	 * later segment can hold a row before the need-th found.
	 */
	private collect(segs: Segment[], rank: number, q: string, need: number, taken: Set<number>, digitsOnly: boolean, pairs: number[]): number[] {
		let found: number[] = [];
		const seen = new Set<number>();
		const rowSeg = this.rowSeg;
		// The sorted starts order fields by their first MAX_KEY characters: a longer q is looked up
		// by its head and each hit checked.
		const head = q.length > MAX_KEY ? q.slice(0, MAX_KEY) : q;
		const long = head !== q;
		const take = (seg: Segment, entry: number) => {
			const row = rowAt(seg, entry);
			if (row < 0 || rowSeg[row] !== seg.unit.id || taken.has(row) || seen.has(row)) return;
			seen.add(row);
			found.push(row);
		};
		for (let i = 0; i < segs.length; i++) {
			const seg = segs[i];
			if (seg.unit.dead >= seg.unit.rows || !hasPairs(seg, pairs)) continue;
			if ((rank === RANK_NAME || rank === RANK_WORD) && !seg.words) {
				// Not sorted yet: sweep the text for name starts ("\nq"), or for q after a space or field mark.
				const { text, starts } = seg;
				if (rank === RANK_NAME) {
					const needle = ENTRY + q;
					for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) take(seg, entryOf(starts, at));
				} else {
					for (let at = text.indexOf(q); at !== -1; at = text.indexOf(q, at + 1)) {
						const before = text.charCodeAt(at - 1);
						if (before === SPACE || before === TAB) take(seg, entryOf(starts, at));
					}
				}
			} else if (rank === RANK_NAME || rank === RANK_WORD) {
				if (seg.heads && !mayStart(seg, q, rank === RANK_NAME ? 0 : 512)) continue;
				const { text } = seg;
				const words = seg.words!;
				const [lo, hi] = prefixRange(text, words, head);
				for (let k = lo; k < hi; k++) {
					const at = words[k];
					if (text.charCodeAt(at - 1) === NEWLINE !== (rank === RANK_NAME)) continue;
					if (!long || text.startsWith(q, at)) take(seg, entryOf(seg.starts, at));
				}
			} else if (digitsOnly && seg.digits) {
				// Every match of a digit string covers a sampled digit within its first DIGIT_STEP characters.
				for (let j = 0; j < DIGIT_STEP; j++) {
					const rest = q.slice(j, j + MAX_KEY);
					const [lo, hi] = digitRange(seg, rest);
					for (let k = lo; k < hi; k++) {
						const at = seg.digits![k] - j;
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

/** The row of entry e, or -1 if a renumbering dropped it. */
function rowAt(seg: Segment, e: number): number {
	const v = seg.rows[e];
	return v === seg.noRow ? -1 : seg.rowBase + v;
}

const WIDE = /[\u0100-\uffff]/;

/**
 * Files a folded entry into the job's one-byte or two-byte part. When only the name needs two
 * bytes a character, the name goes to the two-byte part and number and labels to the one-byte
 * part (as an entry with an empty name): no query spans two fields, so no match is lost.
 */
function add(job: Job, row: number, text: string): void {
	job.rows.push(row);
	if (!WIDE.test(text)) {
		job.narrow.rows.push(row);
		job.narrow.texts.push(text);
		return;
	}
	const tab = text.indexOf(FIELD);
	if (tab > 1 && !WIDE.test(text.slice(tab))) {
		job.wide.rows.push(row);
		job.wide.texts.push(text.slice(0, tab));
		job.narrow.rows.push(row);
		job.narrow.texts.push(ENTRY + text.slice(tab));
		return;
	}
	job.wide.rows.push(row);
	job.wide.texts.push(text);
}

/** A row's whole entry in an old unit, put back together if it was split (cursors walk each segment's rows in order). */
function textOf(unit: Unit, row: number, cursors: number[]): string | undefined {
	let name: string | undefined;
	let rest: string | undefined;
	for (let k = 0; k < unit.segs.length; k++) {
		const part = entryAt(unit.segs[k], row, cursors, k);
		if (part === undefined) continue;
		// The one-byte half of a split entry has an empty name.
		if (part.charCodeAt(1) === TAB && unit.segs.length > 1) rest = part;
		else name = part;
	}
	if (name !== undefined && rest !== undefined) return name + rest.slice(1);
	return name ?? rest;
}

/** The text of `row`'s entry in a segment (cursor k walks its rows in order). */
function entryAt(seg: Segment, row: number, cursors: number[], k: number): string | undefined {
	let c = cursors[k];
	while (c < seg.rows.length && rowAt(seg, c) < row) c++;
	cursors[k] = c;
	if (c >= seg.rows.length || rowAt(seg, c) !== row) return undefined;
	return seg.text.slice(seg.starts[c], c + 1 < seg.starts.length ? seg.starts[c + 1] : seg.text.length);
}

/** One unit: a segment's text, entry starts, rows and pair signature; searchable by a sweep. */
function textSegment(part: Part, wide: boolean): Segment {
	let text = part.texts.join('');
	// V8 keeps a string two-byte when any piece it was built from was, whatever its characters
	// (NFD folding and slices of two-byte entries are): copy a one-byte text into one-byte storage,
	// half the size.
	if (!wide) text = Buffer.from(text, 'latin1').toString('latin1');
	const n = part.texts.length;
	const starts = text.length > 0xffff ? new Int32Array(n) : new Uint16Array(n);
	let offset = 0;
	for (let e = 0; e < n; e++) {
		starts[e] = offset;
		offset += part.texts[e].length;
	}
	const lo = part.rows[0];
	const narrowRows = part.rows[n - 1] - lo < 0xffff;
	const rows = narrowRows ? new Uint16Array(n) : new Int32Array(n);
	for (let e = 0; e < n; e++) rows[e] = narrowRows ? part.rows[e] - lo : part.rows[e];
	return {
		unit: undefined as unknown as Unit, // set at commit
		text,
		wide,
		starts,
		rows,
		rowBase: narrowRows ? lo : 0,
		noRow: narrowRows ? 0xffff : -1,
		minRow: lo,
		words: undefined,
		digits: undefined,
		digitDirectory: undefined,
		heads: undefined,
		pairs: pairSignature(text),
	};
}

/** Where a segment's sort is: finding its starts, then its words' (then its digits') radix sort. */
interface SegmentSort {
	seg: Segment;
	/** Entries whose starts were found. */
	found: number;
	names: number[];
	words: number[];
	/** The digit positions, until the words are sorted. */
	digits: number[] | undefined;
	heads: Uint32Array | undefined;
	/** Set once every start is found. */
	sort: StepSort | undefined;
}

/** Positions keyed by one step of a segment's sort, and entries whose starts one step finds. */
const SORT_STEP = 1024;
const FIND_STEP = 512;
/** Rows a fold does between looks at the clock. */
const FOLD_CHECK = 16;

/** Sorting, first steps: where names, words, fields and sampled digits start, `count` entries at a time. True when all are found. */
function findStarts(sorting: SegmentSort, count: number): boolean {
	const { text, starts } = sorting.seg;
	const { names, words, digits } = sorting;
	const last = Math.min(starts.length, sorting.found + count);
	for (let e = sorting.found; e < last; e++) {
		const offset = starts[e];
		const end = e + 1 < starts.length ? starts[e + 1] : text.length;
		if (text.charCodeAt(offset + 1) !== TAB) names.push(offset + 1);
		let prev = NEWLINE;
		let run = -1;
		for (let i = offset + 1; i < end; i++) {
			const c = text.charCodeAt(i);
			const wordStart = prev === SPACE || prev === TAB || i === offset + 1;
			if (wordStart && i > offset + 1 && c !== TAB && c !== SPACE) words.push(i);
			if (c >= 48 && c <= 57) {
				if (!(prev >= 48 && prev <= 57)) run = i;
				// A run's first digit at a name or word start is found as such already (rank 0 or 1).
				if ((i - run) % DIGIT_STEP === 0 && !(wordStart && i === run)) digits!.push(i);
			}
			prev = c;
		}
	}
	sorting.found = last;
	return last === starts.length;
}

/** Bits of a segment's pair signature (2 KB): few enough pairs set that a missing one usually shows. */
const SIGNATURE_BITS = 16384;

function pairBit(a: number, b: number): number {
	return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77)) >>> 18;
}

function pairSignature(text: string): Uint32Array {
	const bits = new Uint32Array(SIGNATURE_BITS / 32);
	let prev = text.charCodeAt(0);
	for (let i = 1; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c !== TAB && c !== NEWLINE && prev !== TAB && prev !== NEWLINE) {
			const bit = pairBit(prev, c);
			bits[bit >>> 5] |= 1 << (bit & 31);
		}
		prev = c;
	}
	return bits;
}

/** The heads bit of a field start: its first character, or its first two. */
function headBit(text: string, at: number, pair: boolean): number {
	const a = text.charCodeAt(at);
	if (!pair) return Math.imul(a, 0x9e3779b1) >>> 24;
	const b = codeAt(text, at + 1);
	return b === -1 ? -1 : 256 + (pairBit(a, b) & 255);
}

function headSignature(text: string, names: number[], words: number[]): Uint32Array {
	const bits = new Uint32Array(32);
	const mark = (at: number, base: number) => {
		for (const pair of [false, true]) {
			const bit = headBit(text, at, pair);
			if (bit !== -1) bits[(base + bit) >>> 5] |= 1 << ((base + bit) & 31);
		}
	};
	for (const at of names) mark(at, 0);
	for (const at of words) mark(at, 512);
	return bits;
}

/** Whether a segment may hold a name (base 0) or word (base 512) starting like q. */
function mayStart(seg: Segment, q: string, base: number): boolean {
	const bit = base + headBit(q, 0, q.length >= 2);
	return (seg.heads![bit >>> 5] & (1 << (bit & 31))) !== 0;
}

/** The signature bits of q's character pairs. */
function pairBits(q: string): number[] {
	const out: number[] = [];
	for (let i = 1; i < q.length; i++) {
		const bit = pairBit(q.charCodeAt(i - 1), q.charCodeAt(i));
		if (!out.includes(bit)) out.push(bit);
	}
	return out;
}

function hasPairs(seg: Segment, bits: number[]): boolean {
	for (const bit of bits) if ((seg.pairs[bit >>> 5] & (1 << (bit & 31))) === 0) return false;
	return true;
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
/**
 * Sorts positions by the first MAX_KEY characters of the field from each, in code unit order: a
 * most-significant-first radix sort, 4 one-byte (or 2 two-byte) characters at a time packed with
 * the element's index into one double, each pass a native typed-array sort. The passes wait in a
 * list (a run of ties goes on to the next window as a pass of its own), so the sort can stop
 * between any two and go on in a later slice.
 */
class StepSort {
	private readonly order: Int32Array;
	/** Passes to do: lo, hi, depth. */
	private readonly passes: number[] = [];
	private readonly width: number;
	private readonly base: number;
	/** The first pass (by the first character) is done. */
	private bucketed = false;

	constructor(
		private readonly text: string,
		private readonly pos: number[],
		wide: boolean,
	) {
		const n = pos.length;
		this.order = new Int32Array(n);
		for (let i = 0; i < n; i++) this.order[i] = i;
		this.width = wide ? 2 : 4;
		this.base = wide ? 65536 : 256;
		if (n >= INDEX_BITS) {
			// Never in practice (2 million starts in 2,048 contacts): sort by comparison, at once.
			const all = Array.from(this.order).sort((a, b) => compareFields(text, pos[a], pos[b]));
			this.order.set(all);
		} else this.bucketed = n <= 1;
	}

	/** Runs passes until about `work` positions were keyed (at least one pass); true when sorted. */
	step(work: number): boolean {
		let done = 0;
		if (!this.bucketed) {
			this.bucket();
			this.bucketed = true;
			done = this.pos.length >> 2; // a counting pass: cheap, a quarter of a keyed one
		}
		while (this.passes.length > 0 && done < work) {
			const depth = this.passes.pop()!;
			const hi = this.passes.pop()!;
			const lo = this.passes.pop()!;
			sortPass(this.text, this.pos, this.order, lo, hi, depth, this.width, this.base, this.passes);
			done += hi - lo;
		}
		return this.passes.length === 0;
	}

	/**
	 * The first pass: a counting sort by the first character (its high byte, in a two-byte text),
	 * linear and without keys; each bucket then goes on as a pass of its own, so no later pass
	 * keys the whole list at once.
	 */
	private bucket(): void {
		const { text, pos, order } = this;
		const n = order.length;
		const shift = this.width === 2 ? 8 : 0;
		const firsts = new Uint8Array(n);
		const counts = new Int32Array(257);
		for (let i = 0; i < n; i++) {
			const c = codeAt(text, pos[order[i]]);
			const b = c < 0 ? 0 : (c >> shift) & 0xff;
			firsts[i] = b;
			counts[b + 1]++;
		}
		for (let b = 0; b < 256; b++) counts[b + 1] += counts[b];
		const starts = counts.slice(0, 256);
		const before = new Int32Array(order);
		for (let i = 0; i < n; i++) order[starts[firsts[i]]++] = before[i];
		for (let b = 0; b < 256; b++) {
			const lo = counts[b];
			const hi = counts[b + 1];
			// One-byte bucket 0 holds fields that ended at once: equal, nothing more to sort.
			if (hi - lo > 1 && (b > 0 || shift > 0)) this.passes.push(lo, hi, 0);
		}
	}

	/** The sorted positions (once step() said so). */
	result(): Positions {
		const { pos, order } = this;
		const out = this.text.length > 0xffff ? new Int32Array(pos.length) : new Uint16Array(pos.length);
		for (let i = 0; i < order.length; i++) out[i] = pos[order[i]];
		return out;
	}
}

/** Scratch for sortPass, reused: a build sorts thousands of small runs. */
let scratchKeys = new Float64Array(4096);
let scratchOrder = new Int32Array(4096);

/** One radix pass over order[lo, hi) at window `depth`; the runs of ties to sort further go on `passes`. */
function sortPass(text: string, pos: number[], order: Int32Array, lo: number, hi: number, depth: number, width: number, base: number, passes: number[]): void {
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
	// Ties whose last character is not the end go on to the next window.
	for (let i = 0; i < n; ) {
		const key = Math.floor(keys[i] * INDEX_SCALE);
		let j = i + 1;
		while (j < n && Math.floor(keys[j] * INDEX_SCALE) === key) j++;
		if (j - i > 1 && key % base !== 0) passes.push(lo + i, lo + j, depth + 1);
		i = j;
	}
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
function prefixRange(text: string, sorted: Positions, q: string, from = 0, to = sorted.length): [number, number] {
	let lo = from;
	let hi = to;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (comparePrefix(text, sorted[mid], q) < 0) lo = mid + 1;
		else hi = mid;
	}
	if (lo === to || comparePrefix(text, sorted[lo], q) !== 0) return [lo, lo];
	const first = lo;
	hi = to;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (comparePrefix(text, sorted[mid], q) <= 0) lo = mid + 1;
		else hi = mid;
	}
	return [first, lo];
}

const THREE_DIGITS = Array.from({ length: 1000 }, (_, k) => String(k).padStart(3, '0'));

/** For each 3-digit string, where it would go in the sorted digit starts (a merge, not 1,000 searches). */
function directory(text: string, sorted: Positions): Uint16Array | Int32Array {
	const dir = sorted.length > 0xffff ? new Int32Array(1001) : new Uint16Array(1001);
	let i = 0;
	for (let k = 0; k < 1000; k++) {
		while (i < sorted.length && comparePrefix(text, sorted[i], THREE_DIGITS[k]) < 0) i++;
		dir[k] = i;
	}
	dir[1000] = sorted.length;
	return dir;
}

/** prefixRange over a segment's digit starts for a digit string, narrowed by the directory when it has 3 digits or more. */
function digitRange(seg: Segment, q: string): [number, number] {
	const digits = seg.digits!;
	if (q.length < 3 || !seg.digitDirectory) return prefixRange(seg.text, digits, q);
	const k = (q.charCodeAt(0) - 48) * 100 + (q.charCodeAt(1) - 48) * 10 + (q.charCodeAt(2) - 48);
	return prefixRange(seg.text, digits, q, seg.digitDirectory[k], seg.digitDirectory[k + 1]);
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
