import assert from 'node:assert/strict';
import { RowList } from '../../src/contacts/rowList';
import { mulberry32 } from '../double/generator';

describe('RowList (a group’s rows in load order)', () => {
	it('keeps rows sorted through appends, out-of-order inserts, removals and slices (seeded)', () => {
		for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
			const rng = mulberry32(seed);
			// Small blocks for most seeds: they split and join all the time.
			const list = seed <= 2 ? new RowList() : new RowList(8 << (seed % 4));
			const model = new Set<number>();
			let next = 0;
			for (let step = 0; step < 4000; step++) {
				const r = rng();
				if (r < 0.45) {
					list.add(next);
					model.add(next++);
				} else if (r < 0.65 && next > 0) {
					// A row regrouped into this list: older than the last one.
					const row = Math.floor(rng() * next);
					if (!model.has(row)) {
						list.add(row);
						model.add(row);
					}
				} else if (r < 0.9 && next > 0) {
					const row = Math.floor(rng() * next);
					assert.equal(list.remove(row), model.delete(row), `seed ${seed} step ${step}: remove ${row}`);
				} else if (r < 0.92 && next > 0) {
					const row = Math.floor(rng() * next);
					assert.equal(list.has(row), model.has(row), `seed ${seed} step ${step}: has ${row}`);
				} else {
					const sorted = [...model].sort((a, b) => a - b);
					const start = Math.floor(rng() * (sorted.length + 3));
					const end = start + Math.floor(rng() * 50);
					assert.deepEqual(Array.from(list.slice(start, end)), sorted.slice(start, end), `seed ${seed} step ${step}: slice`);
				}
				assert.equal(list.size, model.size);
			}
			assert.deepEqual(Array.from(list.slice()), [...model].sort((a, b) => a - b));
		}
	});

	it('joins sparse blocks into their neighbours and stays right', () => {
		const list = new RowList(16);
		for (let row = 0; row < 400; row++) list.add(row);
		const kept: number[] = [];
		// From the end, so a block thins out next to one that already has.
		for (let row = 399; row >= 0; row--) {
			if (row % 10 === 3) kept.unshift(row);
			else assert.ok(list.remove(row));
		}
		assert.deepEqual(Array.from(list.slice()), kept);
		assert.deepEqual(Array.from(list.slice(5, 9)), kept.slice(5, 9));
		for (const row of [3, 13, 393]) assert.ok(list.has(row));
		for (const row of [0, 4, 399]) assert.ok(!list.has(row));
		list.add(5);
		list.add(394);
		assert.deepEqual(Array.from(list.slice(0, 3)), [3, 5, 13]);
		assert.equal(list.size, kept.length + 2);
	});

	it('renumbers in place, keeping order', () => {
		const list = new RowList();
		for (const row of [0, 2, 5, 7]) list.add(row);
		list.remove(2);
		list.add(1);
		// Old rows 0..7 with 3 and 4 gone.
		const prefix = Int32Array.from([0, 1, 2, 3, 3, 3, 4, 5, 6]);
		list.renumber(prefix);
		assert.deepEqual(Array.from(list.slice()), [0, 1, 3, 5]);
	});
});
