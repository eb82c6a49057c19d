// Paging against a list that changes and a server that lies, over real HTTP to the API double:
// a walk ends with exactly the org's contacts, or says it could not (listChanged); never a
// silent shortfall.
import assert from 'node:assert/strict';
import { PeriskopeClient } from '../../src/api/client';
import { loadAllContacts, type LoadAllResult } from './loadAll';
import { ContactsLoader } from '../../src/contacts/loader';
import { ContactStore } from '../../src/contacts/store';
import { ApiDouble, startApiDouble } from '../double/server';

const TOKEN = 't';

describe('paging a list that changes and a server that lies', () => {
	let double: ApiDouble;
	let client: PeriskopeClient;
	beforeEach(async () => {
		double = await startApiDouble({ contacts: 1234, token: TOKEN, port: 0, seed: 7 });
		client = new PeriskopeClient({ baseUrl: double.url, getToken: () => TOKEN });
	});
	afterEach(() => double.close());

	const orgIds = () => double.contacts.map((c) => c.contact_id).sort();
	const loadedIds = (r: LoadAllResult) => r.contacts.map((c) => c.contact_id).sort();
	const listOffsets = () => double.requests.filter((r) => r.path === '/v1/contacts').map((r) => Number(r.query.offset));

	it('a contact edited during Load all jumps to the head and is still read, in its new version', async () => {
		const notices: string[] = [];
		const result = await loadAllContacts(client, 500, {
			onNotice: (t) => notices.push(t),
			onPage: (_page, pager) => {
				// After page one: three contacts the walk has not reached yet are edited (they move to the front).
				if (pager.seenCount === 500) double.fault({ kind: 'mutate', edit: 3 });
			},
		});
		assert.deepEqual(loadedIds(result), orgIds(), 'exactly the org');
		assert.equal(result.listChanged, false);
		const edited = double.contacts.slice(0, 3);
		for (const c of edited) {
			const got = result.contacts.find((x) => x.contact_id === c.contact_id)!;
			assert.equal(got.updated_at, c.updated_at, 'the edited version');
		}
		assert.ok(notices.some((n) => /moved while loading/.test(n)), notices.join('\n'));
		assert.equal(listOffsets()[0], 0);
		assert.equal(listOffsets().at(-1), 0, 'the head was read again at the end');
	});

	it('contacts inserted and edited between pages: exactly the org, with one head re-read', async () => {
		let pages = 0;
		const result = await loadAllContacts(client, 300, {
			readAhead: true,
			onPage: () => {
				if (++pages === 2) double.fault({ kind: 'mutate', insert: 5, edit: 2 });
			},
		});
		assert.deepEqual(loadedIds(result), orgIds());
		assert.equal(result.seen, 1234 + 5);
		assert.equal(result.listChanged, false);
	});

	it('contacts deleted mid-walk: never claimed complete', async () => {
		let pages = 0;
		const result = await loadAllContacts(client, 300, {
			onPage: () => {
				if (++pages === 2) double.fault({ kind: 'mutate', remove: 4, at: 10, insert: 2, edit: 1 });
			},
		});
		assert.equal(result.listChanged, true, 'a shrinking list cannot be proven complete');
		const loaded = new Set(result.contacts.map((c) => c.contact_id));
		const missing = orgIds().filter((id) => !loaded.has(id));
		// Rows shifted past the walk by the deletes may be missing: that is what listChanged says.
		assert.ok(missing.length <= 4, `missing ${missing.length}`);
	});

	it('a count that lies high ends on the empty page, says so, and leaves no endless Load more', async () => {
		double.setOptions({ countSkew: 50 });
		const store = new ContactStore();
		const loader = new ContactsLoader(store, () => client, 500);
		await loader.loadAll();
		assert.equal(loader.hasMore, false, 'no Load more once an empty page came back');
		assert.equal(store.size, 1234, 'every real contact');
		assert.equal(loader.listChanged, true, '1,234 loaded of 1,284 reported: said, not hidden');
		const before = double.requests.length;
		await loader.loadNextPage();
		assert.equal(double.requests.length, before, 'a finished walk asks for nothing more');
		loader.dispose();
		store.dispose();
	});

	it('a count that lies low does not truncate the walk', async () => {
		double.setOptions({ countSkew: -200 });
		const result = await loadAllContacts(client, 500);
		assert.deepEqual(loadedIds(result), orgIds(), 'the last 200 too');
		assert.equal(result.listChanged, true, 'more contacts than the count: the numbers do not add up');
	});

	it('a server that caps limit below what was asked: short middle pages move the offset by what they returned', async () => {
		double.setOptions({ maxLimit: 300 });
		const result = await loadAllContacts(client, 500, { readAhead: true });
		assert.deepEqual(loadedIds(result), orgIds());
		assert.equal(result.listChanged, false);
		assert.deepEqual(listOffsets().filter((o, i, a) => a.indexOf(o) === i), [0, 300, 600, 900, 1200]);
	});

	it('one short page in the middle does not end the walk', async () => {
		let pages = 0;
		const result = await loadAllContacts(client, 500, {
			onPage: () => {
				if (++pages === 1) double.fault({ kind: 'short', rows: 120 });
			},
		});
		assert.deepEqual(loadedIds(result), orgIds());
		assert.equal(result.listChanged, false);
		assert.deepEqual(listOffsets(), [0, 500, 620, 1120]);
	});

	it('a server that counts offsets from 1: numbering noticed and followed, the last contact not lost', async () => {
		double.setOptions({ oneBasedOffset: true });
		const notices: string[] = [];
		const result = await loadAllContacts(client, 500, { onNotice: (t) => notices.push(t) });
		assert.deepEqual(loadedIds(result), orgIds(), 'including the last one');
		assert.equal(result.listChanged, false);
		assert.ok(notices.some((n) => /following its numbering/.test(n)), notices.join('\n'));
	});

	it('a count that moves without rows repeating still re-reads the head before it says complete', async () => {
		let pages = 0;
		const result = await loadAllContacts(client, 500, {
			onPage: () => {
				// One new contact at the head: the count grows by one, rows shift by one.
				if (++pages === 1) double.fault({ kind: 'mutate', insert: 1 });
			},
		});
		assert.deepEqual(loadedIds(result), orgIds());
		assert.equal(result.listChanged, false);
	});
});
