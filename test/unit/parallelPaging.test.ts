// Load all keeps a few requests in flight (2, growing to 4 while the rate limit has room, back
// to 1 after a 429), delivers pages in order, and keeps the completeness rules.
import assert from 'node:assert/strict';
import { PeriskopeClient, RequestOptions } from '../../src/api/client';
import { PeriskopeApiError } from '../../src/api/errors';
import { countingPager, loadAllContacts } from './loadAll';
import type { ParsedPage } from '../../src/api/validate';
import { ContactsLoader } from '../../src/contacts/loader';
import { ContactStore } from '../../src/contacts/store';
import { startApiDouble } from '../double/server';
import { contact } from './fixtures';

/** A fake API whose answers take a few turns of the event loop; it counts requests in flight. */
function countingApi(n: number, opts: { remaining?: number; rateLimitAt?: number } = {}) {
	const all = Array.from({ length: n }, (_, i) => contact(String(50_000 + i)));
	const api = {
		inFlight: 0,
		maxInFlight: 0,
		inFlightLog: [] as number[],
		requested: [] as number[],
		aborted: [] as number[],
		async listContacts(offset: number, limit: number, o: RequestOptions = {}): Promise<ParsedPage> {
			api.requested.push(offset);
			api.inFlight++;
			api.maxInFlight = Math.max(api.maxInFlight, api.inFlight);
			api.inFlightLog.push(api.inFlight);
			try {
				if (opts.rateLimitAt === offset) {
					opts.rateLimitAt = undefined;
					o.onRetry?.({ attempt: 1, delayMs: 0, error: new PeriskopeApiError('rateLimited', 'slow down') });
				}
				o.onResponse?.({ rateLimitRemaining: opts.remaining ?? 5000 });
				for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
				if (o.signal?.aborted) {
					api.aborted.push(offset);
					throw new PeriskopeApiError('cancelled', 'cancelled');
				}
				const contacts = all.slice(offset, offset + limit).map((c) => ({ ...c }));
				return { contacts, count: n, from: offset + 1, to: offset + contacts.length, malformed: 0 };
			} finally {
				api.inFlight--;
			}
		},
	};
	return api;
}

describe('Load all with requests in flight', () => {
	it('grows from 2 to 4 requests in flight while the rate limit has room, delivering pages in order', async () => {
		const api = countingApi(1000);
		const order: number[] = [];
		const result = await loadAllContacts(api, 50, { readAhead: true, onPage: (p) => order.push(p.rows) });
		assert.equal(result.seen, 1000);
		assert.equal(result.listChanged, false);
		assert.deepEqual(
			result.contacts.map((c) => c.contact_id),
			Array.from({ length: 1000 }, (_, i) => contact(String(50_000 + i)).contact_id),
			'in the API’s order',
		);
		assert.equal(api.maxInFlight, 4);
		assert.deepEqual([...new Set(api.requested)].length, api.requested.length, 'every offset once');
		// A full last page at the count is confirmed by one empty page; nothing is read ahead past the count.
		assert.deepEqual(api.requested.filter((o) => o >= 1000), [1000]);
	});

	it('keeps 2 in flight when the server says nothing of its rate limit, and 1 when the window is low', async () => {
		const unknown = countingApi(500, { remaining: undefined as unknown as number });
		unknown.listContacts = ((orig) => (o: number, l: number, r: RequestOptions = {}) =>
			orig(o, l, { ...r, onResponse: r.onResponse ? () => r.onResponse!({}) : undefined }))(unknown.listContacts);
		await loadAllContacts(unknown, 50, { readAhead: true });
		assert.equal(unknown.maxInFlight, 2);
		const low = countingApi(500, { remaining: 5 });
		await loadAllContacts(low, 50, { readAhead: true });
		assert.equal(low.maxInFlight, 1);
	});

	it('a 429 mid-walk falls back to one request in flight for the rest of the walk', async () => {
		const api = countingApi(1000, { rateLimitAt: 300 });
		const notices: string[] = [];
		const result = await loadAllContacts(api, 50, { readAhead: true, onNotice: (t) => notices.push(t) });
		assert.equal(result.seen, 1000);
		const after = api.inFlightLog.slice(api.requested.indexOf(300) + 1);
		assert.ok(after.length > 5);
		// Requests already sent may finish; every one sent after the 429 was alone.
		assert.ok(after.slice(4).every((n) => n === 1), api.inFlightLog.join(','));
		assert.ok(notices.some((n) => /one request at a time/.test(n)));
	});

	it('cancel stops every request in flight and delivers nothing more', async () => {
		const api = countingApi(2000);
		const store = new ContactStore();
		const loader = new ContactsLoader(store, () => api, 50);
		const cancel = new AbortController();
		let pages = 0;
		loader.onDidProgress(() => {
			if (++pages === 5) cancel.abort();
		});
		await assert.rejects(loader.loadAll(cancel.signal), { kind: 'cancelled' });
		const size = store.size;
		for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
		assert.equal(store.size, size, 'nothing arrives after the cancel');
		assert.equal(api.inFlight, 0, 'no request left running');
		assert.ok(api.aborted.length >= 1, 'the pages read ahead were aborted');
		loader.dispose();
	});

	it('the tree’s Load more is still one page', async () => {
		const api = countingApi(1000);
		const loader = new ContactsLoader(new ContactStore(), () => api, 50);
		await loader.loadNextPage();
		await loader.loadNextPage();
		assert.deepEqual(api.requested, [0, 50]);
		assert.equal(api.maxInFlight, 1);
		loader.dispose();
	});

	it('with edits and inserts during a parallel walk against the double: exactly the org', async () => {
		const double = await startApiDouble({ contacts: 5000, token: 't', port: 0, seed: 4, latencyMs: 5 });
		try {
			const client = new PeriskopeClient({ baseUrl: double.url, getToken: () => 't' });
			let pages = 0;
			const result = await loadAllContacts(client, 250, {
				readAhead: true,
				onPage: () => {
					if (++pages === 3) double.fault({ kind: 'mutate', edit: 4, insert: 3 });
					if (pages === 9) double.fault({ kind: 'mutate', edit: 2 });
				},
			});
			const loaded = new Set(result.contacts.map((c) => c.contact_id));
			assert.deepEqual(double.contacts.map((c) => c.contact_id).filter((id) => !loaded.has(id)), [], 'nobody missing');
			assert.equal(loaded.size, double.contacts.length);
			assert.equal(result.listChanged, false);
		} finally {
			await double.close();
		}
	});

	it('a pager without readAhead never sends a request ahead', async () => {
		const api = countingApi(300);
		const { pager } = countingPager(api, 50);
		while (!pager.done) await pager.next();
		assert.equal(api.maxInFlight, 1);
	});
});
