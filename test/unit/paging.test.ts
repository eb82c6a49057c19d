import assert from 'node:assert/strict';
import { PeriskopeClient } from '../../src/api/client';
import { ContactPager } from '../../src/api/paging';
import { countingPager, loadAllContacts } from './loadAll';
import type { ParsedPage } from '../../src/api/validate';
import { startApiDouble } from '../double/server';
import { contact } from './fixtures';

describe('paging through all contacts', () => {
	it('loads every contact exactly once and reports the total', async () => {
		const double = await startApiDouble({ contacts: 1234, token: 't', port: 0 });
		try {
			const client = new PeriskopeClient({ baseUrl: double.url, getToken: () => 't' });
			const result = await loadAllContacts(client, 500);
			assert.equal(result.seen, 1234);
			assert.equal(result.reportedTotal, 1234);
			assert.equal(new Set(result.contacts.map((c) => c.contact_id)).size, 1234);
			assert.equal(double.requests.length, 3, 'stops on the short last page');
			assert.equal(result.listChanged, false);
		} finally {
			await double.close();
		}
	});

	it('survives contacts inserted at the front while paging: no duplicates, nobody lost', async () => {
		const double = await startApiDouble({ contacts: 100, token: 't', port: 0 });
		try {
			const original = new Set(double.contacts.map((c) => c.contact_id));
			const client = new PeriskopeClient({ baseUrl: double.url, getToken: () => 't' });
			const { pager, contacts } = countingPager(client, 30);
			await pager.next();
			double.fault({ kind: 'mutate', insert: 7 });
			while (!pager.done) await pager.next();
			const ids = contacts().map((c) => c.contact_id);
			assert.equal(new Set(ids).size, ids.length, 'no duplicates');
			for (const id of original) assert.ok(ids.includes(id), `lost ${id}`);
			assert.equal(ids.length, 107, 'the inserted ones too: the head was read again');
			assert.equal(pager.reportedTotal, 107);
			assert.equal(pager.moved, true);
			assert.equal(pager.listChanged, false, 'complete once the head repeats');
		} finally {
			await double.close();
		}
	});

	it('hands pages to a sink, which says how many rows were new', async () => {
		const rows = [contact('1'), contact('2'), contact('3'), contact('4'), contact('5')];
		const client = {
			async listContacts(offset: number, limit: number): Promise<ParsedPage> {
				const contacts = rows.slice(offset, offset + limit).map((c) => ({ ...c }));
				return { contacts, count: rows.length, from: offset + 1, to: offset + contacts.length, malformed: 0 };
			},
		};
		const held = new Set<string>();
		const received: number[] = [];
		const pager = new ContactPager(client, 3, {
			sink: (page) => {
				received.push(page.length);
				const before = held.size;
				for (const row of page) held.add(row.contact_id);
				return { added: held.size - before, unchanged: 0 };
			},
		});
		const first = await pager.next();
		assert.equal(first.freshCount, 3);
		const second = await pager.next();
		assert.equal(second.freshCount, 2);
		assert.equal(second.done, true, 'a short page at the count ends the walk');
		assert.deepEqual(received, [3, 2]);
		assert.equal(pager.seenCount, 5);
		assert.equal(pager.listChanged, false);
	});

	it('delivers nothing and keeps its place when cancelled while a page arrives', async () => {
		const controller = new AbortController();
		const client = {
			async listContacts(offset: number): Promise<ParsedPage> {
				controller.abort(); // the user cancels while this page is on its way
				return { contacts: [contact(String(offset + 1))], count: 2, from: offset + 1, to: offset + 1, malformed: 0 };
			},
		};
		let delivered = 0;
		const pager = new ContactPager(client, 1, { sink: (rows) => ({ added: (delivered += rows.length), unchanged: 0 }) });
		await assert.rejects(pager.next({ signal: controller.signal }), { kind: 'cancelled' });
		assert.equal(delivered, 0);
		const page = await pager.next();
		assert.equal(page.freshCount, 1);
		assert.equal(delivered, 1, 'the same page, delivered once');
	});

	it('ends when contacts are removed while paging, reporting fewer seen than counted before', async () => {
		const double = await startApiDouble({ contacts: 100, token: 't', port: 0 });
		try {
			const client = new PeriskopeClient({ baseUrl: double.url, getToken: () => 't' });
			const { pager } = countingPager(client, 30);
			await pager.next();
			double.fault({ kind: 'mutate', remove: 10 });
			let pages = 1;
			while (!pager.done) {
				await pager.next();
				pages++;
			}
			assert.ok(pages <= 4);
			assert.equal(pager.reportedTotal, 90);
			assert.equal(pager.listChanged, true);
			assert.ok(pager.seenCount <= 100);
		} finally {
			await double.close();
		}
	});

	it('stops on an empty first page', async () => {
		const double = await startApiDouble({ contacts: 0, token: 't', port: 0 });
		try {
			const client = new PeriskopeClient({ baseUrl: double.url, getToken: () => 't' });
			const result = await loadAllContacts(client, 100);
			assert.equal(result.seen, 0);
			assert.equal(double.requests.length, 1);
		} finally {
			await double.close();
		}
	});

	it('never loops forever on a server that always returns full pages of the same rows', async () => {
		const same = Array.from({ length: 10 }, (_, i) => contact(String(1000 + i)));
		let calls = 0;
		const liar = {
			listContacts: async (): Promise<ParsedPage> => {
				calls++;
				return { contacts: same.map((c) => ({ ...c })), count: 20, from: 1, to: 10, malformed: 0 };
			},
		};
		const result = await loadAllContacts(liar, 10);
		assert.equal(result.seen, 10);
		assert.ok(calls <= 6, `made ${calls} calls`);
		assert.equal(result.listChanged, true, 'says it could not load the 20 it was promised');
	});

	it('stops when a server without count ignores the offset and replays one full page', async () => {
		let calls = 0;
		const replay = {
			listContacts: async (): Promise<ParsedPage> => {
				calls++;
				return { contacts: [contact('1'), contact('2')], count: -1, from: 0, to: 0, malformed: 0 };
			},
		};
		const result = await loadAllContacts(replay, 2);
		assert.equal(result.seen, 2);
		assert.ok(calls <= 6, `made ${calls} calls`);
		assert.equal(result.listChanged, true, 'rows repeated: it cannot say the list is complete');
	});

	it('stops at the page cap when a server without count sends new full pages forever', async () => {
		let calls = 0;
		const endless = {
			listContacts: async (offset: number): Promise<ParsedPage> => {
				calls++;
				return { contacts: [contact(String(offset)), contact(String(offset + 1))], count: -1, from: 0, to: 0, malformed: 0 };
			},
		};
		const result = await loadAllContacts(endless, 2, { maxPages: 20 });
		assert.equal(calls, 20);
		assert.equal(result.seen, 40);
	});

	it('drops rows without an id, counts them, and keeps the rest', async () => {
		const liar = {
			listContacts: async (offset: number): Promise<ParsedPage> =>
				offset === 0 ? { contacts: [contact('1')], count: 2, from: 1, to: 2, malformed: 1 } : { contacts: [], count: 2, from: offset + 1, to: offset, malformed: 0 },
		};
		const result = await loadAllContacts(liar, 10);
		assert.equal(result.seen, 1);
		assert.equal(result.malformed, 1);
		assert.equal(result.listChanged, true, 'one row of two was unusable: the list is not complete');
	});
});
