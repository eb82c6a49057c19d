// One group's members as store row numbers, ascending (rows are numbered in load order, so this
// is load order). Four bytes a member in a typed array, no per-member object.
//
// - add of a row after the last (a newly loaded contact): an append.
// - remove: a binary search and a tombstone (the row's bitwise complement, so the list stays
//   sorted by the row it held).
// - add of an older row (a contact regrouped into this group keeps its load position): it waits
//   in a small unsorted list of inserts.
// Tombstones and inserts are merged away by the next read that needs positions (a slice), in one
// linear pass: a page of changed contacts costs O(log n) each, plus one O(n) merge per group read.

const EMPTY = new Int32Array(0);

export class RowList {
	private items: Int32Array = EMPTY;
	/** Slots of `items` in use, tombstones included. */
	private length = 0;
	private dead = 0;
	private inserts: number[] = [];
	private live = 0;

	/** Members. */
	get size(): number {
		return this.live;
	}

	add(row: number): void {
		this.live++;
		if (this.length === 0 || row > decode(this.items[this.length - 1])) {
			if (this.length === this.items.length) this.grow(this.length + 1);
			this.items[this.length++] = row;
			return;
		}
		this.inserts.push(row);
		// Bound the waiting list when nobody reads this group (a long revalidation with the view closed).
		if (this.inserts.length > 1024 && this.inserts.length > this.live >> 3) this.compact();
	}

	/** Removes a member; false if `row` was not one. */
	remove(row: number): boolean {
		const at = this.find(row);
		if (at !== -1) {
			this.items[at] = ~row;
			this.dead++;
			this.live--;
			if (this.dead > 1024 && this.dead > this.live) this.compact();
			return true;
		}
		const waiting = this.inserts.lastIndexOf(row);
		if (waiting === -1) return false;
		this.inserts[waiting] = this.inserts[this.inserts.length - 1];
		this.inserts.pop();
		this.live--;
		return true;
	}

	has(row: number): boolean {
		return this.find(row) !== -1 || this.inserts.includes(row);
	}

	/** Rows `start` to `end` (exclusive) in order: a view, valid until the next change. */
	slice(start = 0, end = this.live): Int32Array {
		if (this.dead > 0 || this.inserts.length > 0) this.compact();
		const from = Math.max(0, Math.min(start, this.length));
		return this.items.subarray(from, Math.max(from, Math.min(end, this.length)));
	}

	/**
	 * Renumbers after the store dropped its holes: `prefix[r]` is the new number of old row r
	 * (order is kept, so the list stays sorted).
	 */
	renumber(prefix: Int32Array): void {
		this.compact();
		for (let i = 0; i < this.length; i++) this.items[i] = prefix[this.items[i]];
	}

	/** Merges the waiting inserts and drops tombstones. */
	private compact(): void {
		const inserts = this.inserts;
		if (inserts.length === 0) {
			let to = 0;
			for (let i = 0; i < this.length; i++) {
				const v = this.items[i];
				if (v >= 0) this.items[to++] = v;
			}
			this.length = to;
		} else {
			inserts.sort((a, b) => a - b);
			const out = new Int32Array(capacityFor(this.live));
			let to = 0;
			let j = 0;
			for (let i = 0; i < this.length; i++) {
				const v = this.items[i];
				if (v < 0) continue;
				while (j < inserts.length && inserts[j] < v) out[to++] = inserts[j++];
				out[to++] = v;
			}
			while (j < inserts.length) out[to++] = inserts[j++];
			this.items = out;
			this.length = to;
			this.inserts = [];
		}
		this.dead = 0;
		// Give back what a shrunken group no longer needs.
		if (this.items.length > 64 && this.length < this.items.length >> 2) this.items = this.items.slice(0, capacityFor(this.length));
	}

	private grow(needed: number): void {
		const next = new Int32Array(capacityFor(needed));
		next.set(this.items.subarray(0, this.length));
		this.items = next;
	}

	/** Slot holding live `row`, or -1. */
	private find(row: number): number {
		let lo = 0;
		let hi = this.length - 1;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			const v = decode(this.items[mid]);
			if (v < row) lo = mid + 1;
			else if (v > row) hi = mid - 1;
			else return this.items[mid] === row ? mid : -1;
		}
		return -1;
	}
}

function decode(v: number): number {
	return v < 0 ? ~v : v;
}

/** Room for `n` and half as much again (the same growth as a JS array's). */
function capacityFor(n: number): number {
	return Math.max(16, n + (n >> 1));
}
