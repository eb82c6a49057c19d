// Property-style tests of the store and its search index against a naive model: seeded random
// sequences of ingests (new, changed and unchanged contacts, duplicates in a page), removals,
// background indexing slices and searches. After each step the store's groups, counts, order,
// slices and search results must equal what the model computes with plain loops. A failure names
// its seed and step; replay it by putting the seed first in SEEDS.
import assert from 'node:assert/strict';
import type { Contact } from '../../src/api/types';
import { bareNumber } from '../../src/contacts/format';
import { compareGroupKeys, GroupBy, groupKeysOf, groupLabel } from '../../src/contacts/grouping';
import { fold, foldQuery } from '../../src/contacts/searchIndex';
import { decodeCache, encodeCache } from '../../src/contacts/cacheFormat';
import { ContactStore, ContactStoreOptions, type RowSource } from '../../src/contacts/store';
import { mulberry32 } from '../double/generator';
import { FakeScheduler } from './fakeScheduler';
import { builtRows, contact } from './fixtures';

// ---------------------------------------------------------------------------------------------
// the model: a Map and plain loops

interface ModelContact {
	id: string;
	seq: number;
	contact: Contact;
	/** Only known from the cache so far. */
	cached?: boolean;
}

class Model {
	readonly byId = new Map<string, ModelContact>();
	private seq = 0;
	/** Group key -> display name, per grouping: set when a group appears, dropped when it empties. */
	readonly names: Record<GroupBy, Map<string, string>> = { type: new Map(), label: new Map() };

	/** Cached rows count as fresh the first time a page delivers them, and only then. */
	ingest(page: Contact[], source: RowSource = 'api'): { added: number; updated: number; unchanged: number; fresh: number } {
		let added = 0;
		let updated = 0;
		let unchanged = 0;
		let fresh = 0;
		for (const c of page) {
			const old = this.byId.get(c.contact_id);
			if (old && source === 'cache') {
				// A cached copy never replaces a row the store has.
				unchanged++;
				continue;
			}
			if (old) {
				if (old.cached && source === 'api') {
					fresh++;
					old.cached = false;
				} else if (old.contact.updated_at === c.updated_at) unchanged++;
				updated++;
				const before = old.contact;
				old.contact = c;
				this.moveGroups(before, c);
			} else {
				added++;
				fresh++;
				this.byId.set(c.contact_id, { id: c.contact_id, seq: this.seq++, contact: c, cached: source === 'cache' });
				this.moveGroups(undefined, c);
			}
		}
		return { added, updated, unchanged, fresh };
	}

	get cachedCount(): number {
		return [...this.byId.values()].filter((m) => m.cached).length;
	}

	removeCached(): number {
		return this.remove([...this.byId.values()].filter((m) => m.cached).map((m) => m.id));
	}

	remove(ids: string[]): number {
		let n = 0;
		for (const id of ids) {
			const old = this.byId.get(id);
			if (!old) continue;
			this.byId.delete(id);
			this.moveGroups(old.contact, undefined);
			n++;
		}
		return n;
	}

	/** Group display names: a group keeps the name of the contact that created it. */
	private moveGroups(before: Contact | undefined, after: Contact | undefined): void {
		for (const by of ['type', 'label'] as GroupBy[]) {
			const names = this.names[by];
			const keysBefore = before ? groupKeysOf(before, by) : [];
			const keysAfter = after ? groupKeysOf(after, by) : [];
			for (const key of keysBefore) {
				if (keysAfter.includes(key)) continue;
				if (this.members(by, key).length === 0) names.delete(key);
			}
			for (const key of keysAfter) {
				if (keysBefore.includes(key) || names.has(key)) continue;
				names.set(key, displayFor(after!, key, by));
			}
		}
	}

	ordered(): ModelContact[] {
		return [...this.byId.values()].sort((a, b) => a.seq - b.seq);
	}

	members(by: GroupBy, key: string): ModelContact[] {
		return this.ordered().filter((m) => groupKeysOf(m.contact, by).includes(key));
	}

	groups(by: GroupBy): { key: string; label: string; count: number }[] {
		const keys = new Set<string>();
		for (const m of this.byId.values()) for (const k of groupKeysOf(m.contact, by)) keys.add(k);
		return [...keys]
			.sort((a, b) => compareGroupKeys(a, b, by))
			.map((key) => ({ key, label: groupLabel(key, by, this.names[by].get(key)), count: this.members(by, key).length }));
	}

	/** Best rank per contact (0 name start, 1 word or field start, 2 anywhere), then load order. */
	search(query: string, limit: number): string[] {
		const q = foldQuery(query);
		if (!q || limit <= 0) return [];
		const hits: { rank: number; seq: number; id: string }[] = [];
		for (const m of this.byId.values()) {
			const c = m.contact;
			// eslint-disable-next-line no-control-regex
			const fields = [c.contact_name ? fold(c.contact_name) : '', bareNumber(c.contact_id).replace(/[\t\n\u0000]/g, ' '), ...c.labels.map(fold)];
			let best = 3;
			fields.forEach((field, f) => {
				for (let at = field.indexOf(q); at !== -1; at = field.indexOf(q, at + 1)) {
					const rank = f === 0 && at === 0 ? 0 : at === 0 || field[at - 1] === ' ' ? 1 : 2;
					best = Math.min(best, rank);
				}
			});
			if (best < 3) hits.push({ rank: best, seq: m.seq, id: m.id });
		}
		return hits
			.sort((a, b) => a.rank - b.rank || a.seq - b.seq)
			.slice(0, limit)
			.map((h) => h.id);
	}
}

function displayFor(c: Contact, key: string, by: GroupBy): string {
	if (by === 'label') return c.labels.find((l) => l.trim().toLowerCase() === key)?.trim() ?? key;
	return c.contact_type?.trim() ?? key;
}

// ---------------------------------------------------------------------------------------------
// random contacts from a small vocabulary, so names, words, labels and numbers collide

const WORDS = ['anna', 'Hannah', 'Joanna', 'José', 'Zoe\u0308', 'Müller', 'Иван', 'Петров', 'राहुल', '王伟', 'Sales', 'team', 'Periskope', 'van', 'der', 'Berg', '🚀', 'Q3', 'x1', '42', 'ab'];
const LABELS = ['vip', 'VIP', 'lead', 'Q3 campaign', 'follow-up', ' spaced ', 'Ünïcode', 'विशेष', ''];
const TYPES: (string | null)[] = ['user', 'business', null, 'Enterprise', ' user ', ''];

function randomContacts(rng: () => number) {
	const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)];
	const name = (): string | null => {
		const r = rng();
		if (r < 0.1) return null;
		if (r < 0.13) return '  ';
		if (r < 0.16) return `${pick(WORDS)} ${'long '.repeat(16)}${pick(WORDS)}`; // past the 64-character sort key
		const n = 1 + Math.floor(rng() * 3);
		return Array.from({ length: n }, () => pick(WORDS)).join(rng() < 0.1 ? '\t' : ' ');
	};
	const labels = (): string[] => {
		const n = rng() < 0.5 ? 0 : 1 + Math.floor(rng() * 3);
		return Array.from({ length: n }, () => pick(LABELS));
	};
	let stamp = 0;
	return {
		id: (pool: number) => {
			const n = Math.floor(rng() * pool);
			return rng() < 0.05 ? `1203630000${n}@g.us` : `91${String(n * 7919 + 12345).padStart(8, '0')}@c.us`;
		},
		make: (id: string) =>
			contact(id, {
				contact_name: name(),
				contact_type: pick(TYPES),
				labels: labels(),
				updated_at: rng() < 0.3 ? '2025-01-01T00:00:00+00:00' : `2025-01-02T00:00:${String(stamp++ % 60).padStart(2, '0')}+00:00`,
			}),
		query: (known: Contact[]): string => {
			const r = rng();
			const c = known.length ? pick(known) : undefined;
			if (r < 0.15) return pick(WORDS).slice(0, 1 + Math.floor(rng() * 4));
			if (r < 0.3 && c?.contact_name) {
				const chars = Array.from(c.contact_name);
				const at = Math.floor(rng() * chars.length);
				return chars.slice(at, at + 1 + Math.floor(rng() * 5)).join('');
			}
			if (r < 0.5 && c) {
				const digits = bareNumber(c.contact_id);
				const at = Math.floor(rng() * digits.length);
				const frag = digits.slice(at, at + 1 + Math.floor(rng() * 7));
				return rng() < 0.3 ? `+${frag.slice(0, 2)} ${frag.slice(2)}` : frag;
			}
			if (r < 0.6) return pick(LABELS).toUpperCase();
			if (r < 0.65 && c?.contact_name) return c.contact_name; // whole names, the long ones included
			if (r < 0.7) return pick(['a', 'n', '9', '1', '4', ' ', 'zz', 'ann', 'x1 ', 'q3 c', '00000']);
			return pick(WORDS) + ' ' + pick(WORDS).slice(0, 2);
		},
	};
}

/** A deep enough copy: the store takes ownership of what it ingests and compacts it in place. */
function copy(c: Contact): Contact {
	return { ...c, labels: [...c.labels] };
}

function checkAgainst(store: ContactStore, model: Model, rng: () => number, where: string): void {
	const ordered = model.ordered();
	assert.equal(store.size, model.byId.size, `${where}: size`);
	assert.deepEqual(
		store.first(1_000_000).map((c) => c.contact_id),
		ordered.map((m) => m.id),
		`${where}: load order`,
	);
	for (const by of ['type', 'label'] as GroupBy[]) {
		const groups = model.groups(by);
		assert.deepEqual(store.groups(by), groups, `${where}: groups by ${by}`);
		for (const g of groups) {
			const members = model.members(by, g.key).map((m) => m.id);
			assert.equal(store.groupSize(by, g.key), members.length, `${where}: size of ${by} ${g.key}`);
			const start = Math.floor(rng() * (members.length + 2));
			const end = start + Math.floor(rng() * 8);
			assert.deepEqual(
				store.groupContacts(by, g.key, start, end).map((c) => c.contact_id),
				members.slice(start, end),
				`${where}: slice ${start}-${end} of ${by} ${g.key}`,
			);
			if (rng() < 0.3) assert.deepEqual(store.groupContacts(by, g.key).map((c) => c.contact_id), members, `${where}: all of ${by} ${g.key}`);
		}
	}
	for (const m of ordered.slice(0, 5)) {
		const got = store.get(m.id);
		assert.deepEqual([got?.contact_id, got?.contact_name, got?.labels], [m.id, m.contact.contact_name, m.contact.labels], `${where}: get`);
	}
}

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/** Seeds that start from a cache file (rows adopted as columns, built when read) instead of an empty store. */
const RESTORED_SEEDS = [21, 22, 23, 24, 25, 26, 27, 28];

describe('store and search index against a model (seeded)', () => {
	for (const seed of SEEDS) {
		it(`seed ${seed}: random ingests, changes, removals and slices agree with the model`, () => runSeed(seed, false));
	}
	for (const seed of RESTORED_SEEDS) {
		it(`seed ${seed}: from a restored cache file (repeated ids, random batches), then the same random steps`, () => runSeed(seed, true));
	}

	async function runSeed(seed: number, restored: boolean): Promise<void> {
		{
			const rng = mulberry32(seed);
			const gen = randomContacts(rng);
			const scheduler = new FakeScheduler(1);
			// Small ranges, folds and thresholds: many segments, deltas, compactions and renumberings.
			const options: ContactStoreOptions = {
				scheduler,
				sliceMs: 1 + Math.floor(rng() * 6),
				compactHoles: 8,
				tuning: { rangeRows: 5 + Math.floor(rng() * 20), foldBatch: 1 + Math.floor(rng() * 6), compactMinDead: 4 + Math.floor(rng() * 10), maxDeltas: 3 },
			};
			const store = new ContactStore(options);
			const model = new Model();
			const pool = 40 + Math.floor(rng() * 80);
			if (restored) {
				// A cache file of store rows, some ids twice, adopted in batches of random sizes.
				const rows = Array.from({ length: Math.floor(rng() * 2 * pool) }, () => gen.make(gen.id(pool)));
				const file = await encodeCache(rows, { account: 'a', savedAt: 1, total: -1, complete: false });
				const decoded = await decodeCache(file, 'a');
				assert.ok(decoded.ok, decoded.ok ? '' : decoded.reason);
				const cached = decoded.contents.rows;
				for (let start = 0; start < cached.count; ) {
					const end = Math.min(cached.count, start + 1 + Math.floor(rng() * 20));
					store.adoptCached(cached, start, end);
					start = end;
				}
				model.ingest(builtRows(cached), 'cache');
				assert.equal(store.unrevalidated, model.cachedCount, `seed ${seed} restored: rows only known from the cache`);
				checkAgainst(store, model, rng, `seed ${seed} restored`);
			}
			for (let step = 0; step < 120; step++) {
				const where = `seed ${seed} step ${step}`;
				const r = rng();
				if (r < 0.55) {
					const size = Math.floor(rng() * 12);
					const page = Array.from({ length: size }, () => {
						const id = gen.id(pool);
						const known = model.byId.get(id);
						// Sometimes the very same row again (unchanged), sometimes a changed one.
						return known && rng() < 0.3 ? { ...copy(known.contact) } : gen.make(id);
					});
					// Some batches come from the persistent cache, to be revalidated by later pages.
					const source: RowSource = rng() < 0.15 ? 'cache' : 'api';
					const expected = model.ingest(page.map(copy), source);
					assert.deepEqual(store.ingest(page, source), { ...expected, cleared: false }, `${where}: ingest counts (${source})`);
					assert.equal(store.unrevalidated, model.cachedCount, `${where}: rows only known from the cache`);
				} else if (r < 0.6) {
					assert.equal(store.removeUnrevalidated(), model.removeCached(), `${where}: removed the unrevalidated`);
					assert.equal(store.unrevalidated, 0);
				} else if (r < 0.7) {
					const ids = Array.from({ length: Math.floor(rng() * 8) }, () => gen.id(pool));
					assert.equal(store.remove(ids), model.remove([...new Set(ids)]), `${where}: removed`);
				} else if (r < 0.85) {
					scheduler.run(Math.floor(rng() * 4));
				} else if (r < 0.9) {
					store.indexSome(rng() * 5);
				} else if (r < 0.95) {
					store.prepareSearch();
				}
				if (rng() < 0.4) {
					const known = model.ordered().map((m) => m.contact);
					for (let k = 0; k < 4; k++) {
						const q = gen.query(known);
						const limit = rng() < 0.7 ? 1 + Math.floor(rng() * 12) : 50;
						assert.deepEqual(
							store.search(q, limit).map((c) => c.contact_id),
							model.search(q, limit),
							`${where}: search ${JSON.stringify(q)} limit ${limit}`,
						);
					}
				}
				if (rng() < 0.25) checkAgainst(store, model, rng, where);
			}
			scheduler.run();
			assert.ok(store.indexStats.pending < options.tuning!.rangeRows!, 'the background leaves at most a partial range');
			store.prepareSearch();
			scheduler.run();
			assert.equal(store.indexStats.pending, 0, 'caught up once a search is coming');
			checkAgainst(store, model, rng, `seed ${seed} end`);
			const known = model.ordered().map((m) => m.contact);
			for (let k = 0; k < 40; k++) {
				const q = gen.query(known);
				assert.deepEqual(store.search(q, 10).map((c) => c.contact_id), model.search(q, 10), `seed ${seed} end: search ${JSON.stringify(q)}`);
			}
			store.dispose();
		}
	}

	it('reclaims dead entries: after many changes and removals the index holds about one entry per contact', () => {
		const rng = mulberry32(99);
		const gen = randomContacts(rng);
		const scheduler = new FakeScheduler(0);
		const store = new ContactStore({ scheduler, tuning: { rangeRows: 16, compactMinDead: 8, maxDeltas: 4 }, compactHoles: 8 });
		const model = new Model();
		const ids = Array.from({ length: 200 }, (_, i) => `4470000${String(i).padStart(4, '0')}@c.us`);
		const first = ids.map((id) => gen.make(id));
		model.ingest(first.map(copy));
		store.ingest(first);
		scheduler.run();
		for (let round = 0; round < 30; round++) {
			const page = Array.from({ length: 20 }, () => gen.make(ids[Math.floor(rng() * ids.length)]));
			model.ingest(page.map(copy));
			store.ingest(page);
			const gone = Array.from({ length: 3 }, () => ids[Math.floor(rng() * ids.length)]);
			model.remove([...new Set(gone)]);
			store.remove(gone);
			const back = gone.map((id) => gen.make(id));
			model.ingest(back.map(copy));
			store.ingest(back);
			store.prepareSearch();
			scheduler.run();
		}
		const stats = store.indexStats;
		assert.equal(stats.pending, 0);
		assert.ok(stats.dead <= 8 + 200 / 16, `dead entries bounded, got ${stats.dead}`);
		assert.ok(stats.deltas <= 4, `deltas bounded, got ${stats.deltas}`);
		checkAgainst(store, model, rng, 'after churn');
		for (const q of ['anna', '9', 'vip', '447', 'ab', 'x1']) assert.deepEqual(store.search(q, 20).map((c) => c.contact_id), model.search(q, 20), q);
	});
});
