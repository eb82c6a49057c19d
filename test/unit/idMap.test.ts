// The store's id map (open addressing in typed arrays) against a plain Map: seeded random adds,
// repeats, deletes, reserves and renumberings, with ids that share long prefixes and suffixes.
import assert from 'node:assert/strict';
import { IdMap } from '../../src/contacts/idMap';
import { mulberry32 } from '../double/generator';

describe('IdMap against a Map (seeded)', () => {
	for (const seed of [1, 2, 3, 4, 5, 6]) {
		it(`seed ${seed}: add, repeat, delete, reserve and renumber agree`, () => {
			const rng = mulberry32(seed);
			const map = new IdMap();
			const model = new Map<string, number>();
			const pool = 50 + Math.floor(rng() * 3000);
			const id = () => `91${String(Math.floor(rng() * pool)).padStart(10, '0')}@c.us`;
			let nextRow = 0;
			for (let step = 0; step < 6000; step++) {
				const r = rng();
				const where = `seed ${seed} step ${step}`;
				if (r < 0.6) {
					const key = id();
					const row = nextRow++;
					const had = model.get(key);
					assert.equal(map.add(key, row), had, `${where}: add ${key}`);
					if (had === undefined) model.set(key, row);
				} else if (r < 0.85) {
					const key = id();
					assert.equal(map.delete(key), model.delete(key), `${where}: delete ${key}`);
				} else if (r < 0.9) {
					map.reserve(Math.floor(rng() * 2000));
				} else if (r < 0.92) {
					// Rows renumbered as compactRows does: order kept, gaps closed.
					const rows = [...model.values()].sort((a, b) => a - b);
					const prefix = new Int32Array(nextRow + 1);
					let next = 0;
					let k = 0;
					for (let row = 0; row <= nextRow; row++) {
						prefix[row] = next;
						if (rows[k] === row) {
							next++;
							k++;
						}
					}
					map.renumber(prefix);
					for (const [key, row] of model) model.set(key, prefix[row]!);
				} else {
					const key = id();
					assert.equal(map.get(key), model.get(key), `${where}: get ${key}`);
				}
				assert.equal(map.size, model.size, `${where}: size`);
			}
			for (const [key, row] of model) assert.equal(map.get(key), row, `seed ${seed} end: ${key}`);
			map.clear();
			assert.equal(map.size, 0);
			assert.equal(map.get(model.keys().next().value ?? 'x'), undefined);
		});
	}

	it('ids that differ in one character, empty and very long ids, and ids with lone surrogates stay apart', () => {
		const map = new IdMap();
		const ids = ['', 'a', 'A', '\ud800', '\udc00', 'x'.repeat(10_000), `${'x'.repeat(9_999)}y`, '1@c.us', '1@g.us', '__proto__', 'constructor'];
		ids.forEach((id, row) => assert.equal(map.add(id, row), undefined, id.slice(0, 20)));
		ids.forEach((id, row) => assert.equal(map.get(id), row, id.slice(0, 20)));
		assert.equal(map.add('a', 99), 1, 'a repeat answers the row it has');
		assert.equal(map.size, ids.length);
	});
});
