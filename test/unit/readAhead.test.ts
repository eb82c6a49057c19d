import assert from 'node:assert/strict';
import { PeriskopeClient, RequestOptions } from '../../src/api/client';
import { PeriskopeApiError } from '../../src/api/errors';
import { ContactPager } from '../../src/api/paging';
import { loadAllContacts } from './loadAll';
import type { ParsedPage } from '../../src/api/validate';
import { ContactsLoader } from '../../src/contacts/loader';
import { ContactStore } from '../../src/contacts/store';
import { startApiDouble } from '../double/server';
import { contact } from './fixtures';

/**
 * A fake API of `n` contacts whose responses start at once (onResponse, as the client calls it
 * when headers arrive) and end a turn of the event loop later. `log` shows the order of
 * requests and completed pages; `signals` the signal each request was sent with.
 */
function slowBodyApi(n: number, remaining = 1000) {
	const all = Array.from({ length: n }, (_, i) => contact(String(10_000 + i)));
	const api = {
		log: [] as string[],
		signals: [] as (AbortSignal | undefined)[],
		/** Offsets whose next request fails once with a 500 (after the retries a client would make). */
		failOnce: new Set<number>(),
		/** While set, bodies wait for it. */
		gate: undefined as Promise<void> | undefined,
		async listContacts(offset: number, limit: number, opts: RequestOptions = {}): Promise<ParsedPage> {
			api.log.push(`get ${offset}`);
			api.signals.push(opts.signal);
			// Like the client: only a good response is announced.
			const failing = api.failOnce.delete(offset);
			if (!failing) opts.onResponse?.({ rateLimitRemaining: remaining });
			await new Promise((resolve) => setImmediate(resolve));
			if (api.gate) await api.gate;
			if (opts.signal?.aborted) throw new PeriskopeApiError('cancelled', 'cancelled');
			if (failing) throw new PeriskopeApiError('server', 'boom', { status: 500 });
			api.log.push(`got ${offset}`);
			const contacts = all.slice(offset, offset + limit).map((c) => ({ ...c }));
			return { contacts, count: n, from: offset + 1, to: offset + contacts.length, malformed: 0 };
		},
	};
	return api;
}

const requested = (log: string[]) => log.filter((l) => l.startsWith('get ')).map((l) => Number(l.slice(4)));

describe('reading ahead', () => {
	it('asks for the next page while the current one arrives, and never for a page past the end', async () => {
		const api = slowBodyApi(35);
		let delivered = 0;
		const result = await loadAllContacts(api, 10, { readAhead: true, onPage: () => api.log.push(`page ${delivered++}`) });
		assert.equal(result.seen, 35);
		assert.equal(new Set(result.contacts.map((c) => c.contact_id)).size, 35);
		assert.deepEqual(requested(api.log), [0, 10, 20, 30], 'every page once, nothing past 35');
		// Page one alone (the count is not known yet); from then on the next page is asked for
		// before the current one is handed over.
		assert.deepEqual(api.log.slice(0, 5), ['get 0', 'got 0', 'page 0', 'get 10', 'get 20']);
		assert.ok(api.log.indexOf('get 30') < api.log.indexOf('page 2'), api.log.join(', '));
	});

	it('asks for one page at a time unless told to read ahead, or when the rate-limit window runs low', async () => {
		const oneAtATime = ['get 0', 'got 0', 'get 10', 'got 10', 'get 20', 'got 20'];
		const plain = slowBodyApi(25);
		await loadAllContacts(plain, 10);
		assert.deepEqual(plain.log, oneAtATime);
		const nearlyLimited = slowBodyApi(25, 3);
		await loadAllContacts(nearlyLimited, 10, { readAhead: true });
		assert.deepEqual(nearlyLimited.log, oneAtATime);
	});

	it('stops the page it read ahead when the walk is cancelled; the next call asks afresh', async () => {
		const api = slowBodyApi(35);
		const pager = new ContactPager(api, 10, { sink: (rows) => ({ added: rows.length, unchanged: 0 }) });
		const walk = new AbortController();
		await pager.next({ signal: walk.signal, readAhead: true });
		await pager.next({ signal: walk.signal, readAhead: true });
		// Two in flight from page two on, three once the rate limit showed room: 20 and 30 are on their way.
		assert.deepEqual(requested(api.log), [0, 10, 20, 30]);
		walk.abort();
		assert.equal(api.signals[2]?.aborted, true, 'the request for offset 20 was stopped');
		assert.equal(api.signals[3]?.aborted, true, 'and the one for 30');
		const page = await pager.next();
		assert.equal(page.freshCount, 10);
		assert.deepEqual(requested(api.log), [0, 10, 20, 30, 20], 'page three asked for again, once');
		assert.equal(pager.seenCount, 30);
	});

	it('a read-ahead that fails fails the next call, which can then be retried at the same page', async () => {
		const api = slowBodyApi(35);
		api.failOnce.add(20);
		const pager = new ContactPager(api, 10, { sink: (rows) => ({ added: rows.length, unchanged: 0 }) });
		await pager.next({ readAhead: true });
		await pager.next({ readAhead: true });
		await assert.rejects(pager.next({ readAhead: true }), { kind: 'server' });
		assert.equal(pager.seenCount, 20, 'nothing delivered by the failed page');
		while (!pager.done) await pager.next({ readAhead: true });
		assert.equal(pager.seenCount, 35);
		assert.deepEqual(requested(api.log), [0, 10, 20, 30, 20], 'the failed page again; 30, read ahead, not asked twice');
	});

	it("the tree's next page uses a page already read ahead instead of asking twice", async () => {
		const api = slowBodyApi(35);
		const pager = new ContactPager(api, 10, { sink: (rows) => ({ added: rows.length, unchanged: 0 }) });
		await pager.next({ readAhead: true });
		await pager.next({ readAhead: true });
		await pager.next(); // no read-ahead asked: offset 20 was already on its way
		assert.deepEqual(requested(api.log), [0, 10, 20, 30]);
		assert.equal(pager.seenCount, 30);
	});

	it("the loader's reset stops a page read ahead by Load all", async () => {
		const api = slowBodyApi(35);
		const store = new ContactStore();
		const loader = new ContactsLoader(store, () => api, 10);
		await loader.loadNextPage();
		let open!: () => void;
		api.gate = new Promise((resolve) => (open = resolve));
		const all = loader.loadAll();
		while (!requested(api.log).includes(20)) await new Promise((resolve) => setImmediate(resolve));
		loader.reset();
		open();
		await assert.rejects(all, { kind: 'cancelled' });
		assert.equal(api.signals[requested(api.log).indexOf(20)]?.aborted, true);
		assert.equal(store.size, 0);
		api.gate = undefined;
		await loader.loadAll();
		assert.equal(store.size, 35);
	});

	it('loses nobody and counts nobody twice when contacts are added at the front mid-walk', async () => {
		const double = await startApiDouble({ contacts: 1234, token: 't', port: 0 });
		try {
			const original = double.contacts.map((c) => c.contact_id);
			const client = new PeriskopeClient({ baseUrl: double.url, getToken: () => 't' });
			let pages = 0;
			const result = await loadAllContacts(client, 100, {
				readAhead: true,
				onPage: () => {
					if (++pages === 3) double.fault({ kind: 'mutate', insert: 17 });
				},
			});
			const ids = result.contacts.map((c) => c.contact_id);
			assert.equal(new Set(ids).size, ids.length, 'no duplicates');
			const loaded = new Set(ids);
			assert.deepEqual(original.filter((id) => !loaded.has(id)), [], 'nobody lost');
			assert.deepEqual(double.contacts.map((c) => c.contact_id).filter((id) => !loaded.has(id)), [], 'the inserted ones too, from the head');
			assert.equal(result.seen, 1234 + 17);
			assert.equal(result.listChanged, false, 'complete once the head was read again');
		} finally {
			await double.close();
		}
	});
});
