// The search index builds in slices that stop once they used their budget. Time here is a fake
// clock with a cost model, never the wall clock: folding a contact (reading its name) costs
// FOLD_COST ms and every clock read TICK ms, so a slice's length is what the index did in it.
import assert from 'node:assert/strict';
import type { Contact } from '../../src/api/types';
import { ContactStore } from '../../src/contacts/store';
import { mulberry32 } from '../double/generator';
import { FakeScheduler } from './fakeScheduler';
import { contact } from './fixtures';

const FOLD_COST = 0.02;
const TICK = 0.05;
const SLICE_MS = 8;
/** The largest unit of work: folding 128 contacts (building a segment reads no names here). */
const LARGEST_UNIT = 128 * FOLD_COST + TICK;
/** A slice: its opening clock read, then units until the budget is reached, so at most one unit over. */
const SLICE_BOUND = TICK + SLICE_MS + LARGEST_UNIT;

/** A contact whose name costs FOLD_COST of fake time each time the index folds it. */
function costly(scheduler: FakeScheduler, id: string, name: string, labels: string[] = []): Contact {
	const c = contact(id, { labels });
	Object.defineProperty(c, 'contact_name', {
		get: () => {
			scheduler.time += FOLD_COST;
			return name;
		},
		enumerable: true,
	});
	return c;
}

function names(rng: () => number): string {
	const first = ['Anna', 'Maria', 'José', 'Иван', 'राहुल', 'Wei', 'Olivia', 'Noah'];
	const last = ['Smith', 'Müller', 'Петров', 'शर्मा', 'Khan', 'van der Berg'];
	return `${first[Math.floor(rng() * first.length)]} ${last[Math.floor(rng() * last.length)]} ${Math.floor(rng() * 1000)}`;
}

/** Runs queued slices one at a time and returns how long each took on the fake clock. */
function runSlices(scheduler: FakeScheduler): number[] {
	const lengths: number[] = [];
	while (scheduler.queued > 0) {
		const before = scheduler.time;
		scheduler.run(1);
		lengths.push(scheduler.time - before);
	}
	return lengths;
}

describe('search index slices (fake clock)', () => {
	it('indexes a load page by page in slices that stop once over budget; ingest itself folds nothing', () => {
		const rng = mulberry32(5);
		const scheduler = new FakeScheduler(TICK);
		const store = new ContactStore({ scheduler, sliceMs: SLICE_MS });
		const lengths: number[] = [];
		let id = 0;
		for (const pageSize of [500, 2000, 2000, 500, 2000, 2000, 2000, 1, 2000]) {
			const page = Array.from({ length: pageSize }, () => costly(scheduler, `91${String(id++).padStart(10, '0')}`, names(rng)));
			const before = scheduler.time;
			store.ingest(page);
			assert.equal(scheduler.time, before, 'ingest of new contacts does no indexing work');
			lengths.push(...runSlices(scheduler));
		}
		// The background builds full ranges only; a search coming (prepareSearch) has it do the rest.
		assert.ok(store.indexStats.pending < 2048, `at most a partial range left (${store.indexStats.pending})`);
		store.prepareSearch();
		lengths.push(...runSlices(scheduler));
		assert.ok(lengths.length > 20, `work spread over slices (${lengths.length})`);
		const longest = Math.max(...lengths);
		assert.ok(longest <= SLICE_BOUND, `longest slice ${longest.toFixed(2)} ms`);
		assert.equal(store.indexStats.pending, 0);
		assert.equal(store.search('maria', 5000).length, store.first(100_000).filter((c) => c.contact_name?.startsWith('Maria')).length);
	});

	it('takes a page of 2,000 changed contacts without indexing it in ingest, then in slices', () => {
		const rng = mulberry32(6);
		const scheduler = new FakeScheduler(TICK);
		const store = new ContactStore({ scheduler, sliceMs: SLICE_MS });
		const ids = Array.from({ length: 20_000 }, (_, i) => `44${String(i).padStart(10, '0')}`);
		store.ingest(ids.map((id) => costly(scheduler, id, names(rng))));
		store.prepareSearch();
		runSlices(scheduler);
		const changed = Array.from({ length: 2000 }, (_, i) => ids[i * 10]);
		store.ingest(changed.map((id) => costly(scheduler, id, `Renamed ${id}`, ['new'])));
		assert.equal(store.indexStats.pending, 2000, 'queued, not indexed');
		const lengths = runSlices(scheduler);
		assert.ok(Math.max(...lengths) <= SLICE_BOUND, `longest slice ${Math.max(...lengths).toFixed(2)} ms`);
		assert.equal(store.indexStats.pending, 0);
		assert.equal(store.search('renamed', 5000).length, 2000);
		assert.equal(store.search('new', 5000).length, 2000);
	});

	it('a fold of slow rows (code not compiled yet, rows built from the cache) stops mid-batch at the deadline', () => {
		const scheduler = new FakeScheduler(TICK);
		const store = new ContactStore({ scheduler, sliceMs: SLICE_MS });
		const slow = 1; // ms a row: a batch of 128 would be a 128 ms slice
		const rows = Array.from({ length: 2048 }, (_, i) => {
			const c = contact(`92${String(i).padStart(10, '0')}`, { contact_name: `Slow ${i}` });
			Object.defineProperty(c, 'contact_name', {
				get: () => {
					scheduler.time += slow;
					return `Slow ${i}`;
				},
				enumerable: true,
			});
			return c;
		});
		store.ingest(rows);
		const lengths = runSlices(scheduler);
		// The budget, then at most the 16 rows until the fold next looks at the clock, and the reads.
		const bound = SLICE_MS + 16 * slow + 20 * TICK;
		assert.ok(Math.max(...lengths) <= bound, `longest slice ${Math.max(...lengths).toFixed(2)} ms (bound ${bound})`);
		assert.equal(store.search('slow 2047', 5).length, 1);
		assert.equal(store.indexStats.pending, 0);
	});

	it('answers correctly in the middle of a build, and a slice does at most its budget of units', () => {
		const rng = mulberry32(7);
		const scheduler = new FakeScheduler(1); // every clock read is 1 ms: a slice of 5 ms is 5 units
		const store = new ContactStore({ scheduler, sliceMs: 5 });
		const reference = new ContactStore({ scheduler: new FakeScheduler(0) });
		const page = () => Array.from({ length: 3000 }, (_, i) => contact(`33${String(i).padStart(9, '0')}`, { contact_name: names(rng), labels: i % 3 ? [] : ['vip'] }));
		const rows = page();
		store.ingest(rows.map((c) => ({ ...c, labels: [...c.labels] })));
		reference.ingest(rows);
		for (let k = 0; k < 3; k++) {
			const reads = scheduler.reads;
			scheduler.run(1);
			// The opening read, one after each unit, and one every 16 rows of a fold: at most 8 of 1 ms.
			assert.ok(scheduler.reads - reads <= 8, `a slice stops once its budget is used (${scheduler.reads - reads} reads)`);
		}
		assert.ok(store.indexStats.pending > 0, 'mid-build');
		for (const q of ['anna', 'vip', 'smi', 'петр', '33000001', '0000', 'an 1']) {
			assert.deepEqual(
				store.search(q, 30).map((c) => c.contact_id),
				reference.search(q, 30).map((c) => c.contact_id),
				q,
			);
		}
	});
});
