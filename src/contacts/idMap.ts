// Contact id -> store row: open addressing over typed arrays, in 32 shards of staggered sizes.
// One probe answers "seen before?" and inserts (a Map needs a get, then a set); a slot keeps the
// id's hash beside its row, so a probe compares strings only when the hashes agree; and a
// restore reserves room for its ids at once instead of growing. Shard k holds a share proportional
// to 2^(k/32) of the ids: the shards reach the sizes where they double at different totals, so a
// doubling never moves more than a few percent of the ids at once. No `vscode` import.

const SHARDS = 32;
const EMPTY = -1;
const DELETED = -2;

/** Shard of each of the 1,024 top hash values, weighted 2^(k/32); SHARE: each shard's part of the ids. */
const SHARE = new Float64Array(SHARDS);
const SHARD_OF = (() => {
	const weights = Array.from({ length: SHARDS }, (_, k) => 2 ** (k / SHARDS));
	const total = weights.reduce((a, b) => a + b, 0);
	const table = new Uint8Array(1024);
	let k = 0;
	let edge = (weights[0]! / total) * 1024;
	for (let i = 0; i < 1024; i++) {
		while (i >= edge && k < SHARDS - 1) edge += (weights[++k]! / total) * 1024;
		table[i] = k;
		SHARE[k]! += 1 / 1024;
	}
	return table;
})();

/**
 * Slots point at entries (insertion order): a slot is an entry number and the id's hash; an entry
 * is the id and its row. Only the slots (typed arrays) are reallocated as a shard grows; the
 * entries grow by appending.
 */
class Shard {
	/** Entry per slot, or EMPTY / DELETED. */
	private slots = new Int32Array(16).fill(EMPTY);
	private hashes = new Int32Array(16);
	private mask = 15;
	/** Slots holding an entry or a DELETED mark (both lengthen probes). */
	private used = 0;
	private keys: (string | undefined)[] = [];
	/** Row per entry (entries.length of it used). */
	private rows: Int32Array = new Int32Array(8);
	private live = 0;

	get(id: string, hash: number): number | undefined {
		const { slots, hashes, keys, mask } = this;
		for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
			const entry = slots[slot]!;
			if (entry === EMPTY) return undefined;
			if (entry >= 0 && hashes[slot] === hash && keys[entry] === id) return this.rows[entry];
		}
	}

	add(id: string, hash: number, row: number): number | undefined {
		const { slots, hashes, keys, mask } = this;
		let free = -1;
		let slot = hash & mask;
		for (; ; slot = (slot + 1) & mask) {
			const entry = slots[slot]!;
			if (entry === EMPTY) break;
			if (entry === DELETED) {
				if (free < 0) free = slot;
			} else if (hashes[slot] === hash && keys[entry] === id) return this.rows[entry];
		}
		if (free >= 0) slot = free;
		else this.used++;
		const entry = keys.length;
		slots[slot] = entry;
		hashes[slot] = hash;
		keys.push(id);
		if (entry === this.rows.length) this.rows = grown(this.rows, entry * 2);
		this.rows[entry] = row;
		this.live++;
		// At most two thirds full: probes stay short.
		if (this.used * 3 > slots.length * 2) this.rebuild(this.live);
		return undefined;
	}

	delete(id: string, hash: number): boolean {
		const { slots, hashes, keys, mask } = this;
		for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
			const entry = slots[slot]!;
			if (entry === EMPTY) return false;
			if (entry >= 0 && hashes[slot] === hash && keys[entry] === id) {
				slots[slot] = DELETED;
				keys[entry] = undefined;
				this.live--;
				return true;
			}
		}
	}

	renumber(prefix: Int32Array): void {
		const rows = this.rows;
		for (let entry = 0; entry < this.keys.length; entry++) if (this.keys[entry] !== undefined) rows[entry] = prefix[rows[entry]!]!;
	}

	/** Room for `ids` more without growing (a restore knows how many are coming). */
	reserve(ids: number): void {
		if ((this.used + ids) * 3 > this.slots.length * 2) this.rebuild(this.live + ids);
	}

	/**
	 * Slots for at least three times `room` ids (twice the size, or more, when the ids need it; the
	 * same size when it is DELETED marks that fill it); the entries of deleted ids go.
	 */
	private rebuild(room: number): void {
		let size = this.slots.length;
		while (room * 3 > size) size *= 2;
		const slots = new Int32Array(size).fill(EMPTY);
		const hashes = new Int32Array(size);
		const mask = size - 1;
		const { slots: oldSlots, hashes: oldHashes, keys: oldKeys, rows: oldRows } = this;
		const keys: (string | undefined)[] = [];
		const rows = new Int32Array(Math.max(8, room));
		for (let old = 0; old < oldSlots.length; old++) {
			const entry = oldSlots[old]!;
			if (entry < 0) continue;
			const hash = oldHashes[old]!;
			let slot = hash & mask;
			while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
			rows[keys.length] = oldRows[entry]!;
			slots[slot] = keys.length;
			hashes[slot] = hash;
			keys.push(oldKeys[entry]);
		}
		this.slots = slots;
		this.hashes = hashes;
		this.mask = mask;
		this.keys = keys;
		this.rows = rows;
		this.used = this.live;
	}
}

function grown(rows: Int32Array, size: number): Int32Array {
	const next = new Int32Array(Math.max(8, size));
	next.set(rows);
	return next;
}

export class IdMap {
	private shards = Array.from({ length: SHARDS }, () => new Shard());
	private count = 0;
	/** A basis of its own per map: ids crafted to collide for one map do not collide for another. */
	private readonly basis = (0x811c9dc5 ^ Math.floor(Math.random() * 0x7fffffff)) | 0;

	get size(): number {
		return this.count;
	}

	get(id: string): number | undefined {
		const hash = this.hash(id);
		return this.shards[SHARD_OF[hash >>> 22]!]!.get(id, hash);
	}

	/** Adds `id` at `row` unless it is there: returns the row it already has, or undefined. */
	add(id: string, row: number): number | undefined {
		const hash = this.hash(id);
		const had = this.shards[SHARD_OF[hash >>> 22]!]!.add(id, hash, row);
		if (had === undefined) this.count++;
		return had;
	}

	delete(id: string): boolean {
		const hash = this.hash(id);
		const gone = this.shards[SHARD_OF[hash >>> 22]!]!.delete(id, hash);
		if (gone) this.count--;
		return gone;
	}

	clear(): void {
		this.shards = Array.from({ length: SHARDS }, () => new Shard());
		this.count = 0;
	}

	/** Room for `ids` more ids without growing, spread as the shards share them. */
	reserve(ids: number): void {
		for (let k = 0; k < SHARDS; k++) this.shards[k]!.reserve(Math.ceil(ids * SHARE[k]!));
	}

	/** Rows renumbered after holes were closed: row r is now prefix[r]. */
	renumber(prefix: Int32Array): void {
		for (const shard of this.shards) shard.renumber(prefix);
	}

	/** FNV-1a over the whole id, as a signed 32-bit integer (what the shards' Int32Arrays hold). */
	private hash(id: string): number {
		let h = this.basis;
		for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
		return h;
	}
}
