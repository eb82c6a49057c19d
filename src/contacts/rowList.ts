// One group's members as store row numbers, ascending (rows are numbered in load order, so this
// is load order): sorted blocks of at most 1,024 rows in typed arrays, four bytes a member.
//
// - add of a row after the last (a newly loaded contact): an append to the last block.
// - add of an older row (a contact regrouped into this group keeps its load position), and
//   remove: a binary search for the block, one in it, and a shift within it (at most 1,024).
//   A full block splits in two; a block that empties goes, a sparse one joins a neighbour.
// - a slice by position walks the block counts (at most ~500 at 500,000 members), then copies.
// So a page of changed contacts costs O(log n + 1,024) each, and no read ever merges the whole group.

const BLOCK = 1024;

interface Block {
	items: Int32Array;
	n: number;
}

export class RowList {
	private blocks: Block[] = [];
	/** Each block's first row, in a plain array: the block search reads only this. */
	private firsts: number[] = [];
	private live = 0;

	/** `blockSize` is for tests (small blocks split and join often). */
	constructor(private readonly blockSize = BLOCK) {}

	/** Members. */
	get size(): number {
		return this.live;
	}

	add(row: number): void {
		const last = this.blocks[this.blocks.length - 1];
		if (!last || row > last.items[last.n - 1]) {
			let block = last;
			if (!block || block.n === this.blockSize) {
				block = { items: new Int32Array(last ? this.blockSize : Math.min(16, this.blockSize)), n: 0 };
				this.blocks.push(block);
				this.firsts.push(row);
			} else if (block.n === block.items.length) {
				block.items = grown(block.items, block.n, this.blockSize);
			}
			block.items[block.n++] = row;
			this.live++;
			return;
		}
		const size = this.blockSize;
		const at = this.blockFor(row);
		let block = this.blocks[at];
		let i = lowerBound(block, row);
		if (i < block.n && block.items[i] === row) return; // already a member
		if (block.n === size) {
			// Split in two and insert into the half that holds the row's place.
			const half = size >> 1;
			const right: Block = { items: new Int32Array(size), n: size - half };
			right.items.set(block.items.subarray(half, size));
			block.n = half;
			this.blocks.splice(at + 1, 0, right);
			this.firsts.splice(at + 1, 0, right.items[0]);
			if (i > half) {
				block = right;
				i -= half;
				if (i === 0) this.firsts[at + 1] = row;
			}
		} else if (block.n === block.items.length) {
			block.items = grown(block.items, block.n, size);
		}
		block.items.copyWithin(i + 1, i, block.n);
		block.items[i] = row;
		block.n++;
		if (i === 0 && block === this.blocks[at]) this.firsts[at] = row;
		this.live++;
	}

	/** Removes a member; false if `row` was not one. */
	remove(row: number): boolean {
		if (this.blocks.length === 0) return false;
		const at = this.blockFor(row);
		const block = this.blocks[at];
		const i = lowerBound(block, row);
		if (i >= block.n || block.items[i] !== row) return false;
		block.items.copyWithin(i, i + 1, block.n);
		block.n--;
		this.live--;
		if (i === 0 && block.n > 0) this.firsts[at] = block.items[0];
		if (block.n === 0) {
			this.blocks.splice(at, 1);
			this.firsts.splice(at, 1);
		} else if (block.n < this.blockSize >> 3) {
			// A sparse block joins a neighbour that has room, so blocks stay few and full.
			const next = this.blocks[at + 1];
			if (next && next.n + block.n <= this.blockSize >> 1) {
				if (next.items.length < next.n + block.n) next.items = grown(next.items, next.n, this.blockSize, next.n + block.n);
				next.items.copyWithin(block.n, 0, next.n);
				next.items.set(block.items.subarray(0, block.n));
				next.n += block.n;
				this.blocks.splice(at, 1);
				this.firsts.splice(at + 1, 1);
			}
		}
		return true;
	}

	has(row: number): boolean {
		if (this.blocks.length === 0) return false;
		const block = this.blocks[this.blockFor(row)];
		const i = lowerBound(block, row);
		return i < block.n && block.items[i] === row;
	}

	/** Rows `start` to `end` (exclusive) in order. */
	slice(start = 0, end = this.live): Int32Array {
		const from = Math.max(0, Math.min(start, this.live));
		const to = Math.max(from, Math.min(end, this.live));
		const out = new Int32Array(to - from);
		let skipped = 0;
		let written = 0;
		for (const block of this.blocks) {
			if (written === out.length) break;
			if (skipped + block.n <= from) {
				skipped += block.n;
				continue;
			}
			const a = Math.max(0, from - skipped);
			const b = Math.min(block.n, a + out.length - written);
			out.set(block.items.subarray(a, b), written);
			written += b - a;
			skipped += block.n;
		}
		return out;
	}

	/**
	 * Renumbers after the store dropped its holes: `prefix[r]` is the new number of old row r
	 * (order is kept, so the blocks stay sorted).
	 */
	renumber(prefix: Int32Array): void {
		for (const block of this.blocks) for (let i = 0; i < block.n; i++) block.items[i] = prefix[block.items[i]];
		this.firsts = this.blocks.map((b) => b.items[0]);
	}

	/** The block whose range holds `row`: the last one starting at or before it (or the first). */
	private blockFor(row: number): number {
		const firsts = this.firsts;
		let lo = 0;
		let hi = firsts.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (firsts[mid] <= row) lo = mid;
			else hi = mid - 1;
		}
		return lo;
	}
}

/** First index in the block not below `row`. */
function lowerBound(block: Block, row: number): number {
	let lo = 0;
	let hi = block.n;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (block.items[mid] < row) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/** A copy with room for at least `need` (twice the room, up to a full block). */
function grown(items: Int32Array, n: number, blockSize: number, need = n + 1): Int32Array {
	const next = new Int32Array(Math.min(blockSize, Math.max(need, items.length * 2)));
	next.set(items.subarray(0, n));
	return next;
}
