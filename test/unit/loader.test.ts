import assert from 'node:assert/strict';
import { PeriskopeApiError } from '../../src/api/errors';
import type { ParsedPage } from '../../src/api/validate';
import { ContactsLoader, LoadState } from '../../src/contacts/loader';
import { ContactStore } from '../../src/contacts/store';
import { contact } from './fixtures';

/** A fake API of `n` contacts; `fail` can make the next calls throw. */
function fakeApi(n: number) {
	const all = Array.from({ length: n }, (_, i) => contact(String(10_000 + i), { labels: i % 2 ? ['odd'] : [] }));
	const api = {
		calls: [] as number[],
		fail: [] as PeriskopeApiError[],
		gate: undefined as Promise<void> | undefined,
		async listContacts(offset: number, limit: number, opts?: { signal?: AbortSignal }): Promise<ParsedPage> {
			api.calls.push(offset);
			if (api.gate) await api.gate;
			if (opts?.signal?.aborted) throw new PeriskopeApiError('cancelled', 'cancelled');
			const error = api.fail.shift();
			if (error) throw error;
			const contacts = all.slice(offset, offset + limit).map((c) => ({ ...c }));
			return { contacts, count: n, from: offset + 1, to: offset + contacts.length, malformed: 0 };
		},
	};
	return api;
}

describe('ContactsLoader', () => {
	it('loads one page at a time into the store and knows when it is done', async () => {
		const api = fakeApi(25);
		const store = new ContactStore();
		const loader = new ContactsLoader(store, () => api, 10);
		assert.equal(loader.started, false);
		await loader.loadNextPage();
		assert.equal(store.size, 10);
		assert.equal(store.total, 25);
		assert.equal(loader.hasMore, true);
		await loader.loadNextPage();
		await loader.loadNextPage();
		assert.equal(store.size, 25);
		assert.equal(loader.hasMore, false);
		assert.deepEqual(api.calls, [0, 10, 20]);
	});

	it('dedupes pages in the store: rows shifted by an insert are counted once and refresh their copy', async () => {
		const api = fakeApi(30);
		const store = new ContactStore();
		const loader = new ContactsLoader(store, () => api, 10);
		await loader.loadNextPage();
		// Three contacts are inserted at the front: the next page repeats the last three rows.
		const listContacts = api.listContacts;
		api.listContacts = async (offset, limit, opts) => listContacts(offset - 3, limit, opts);
		const changes: number[] = [];
		store.onDidChange((c) => changes.push(c.added + c.updated));
		await loader.loadNextPage();
		assert.equal(store.size, 17, 'ten, then seven new');
		assert.deepEqual(changes, [10], 'seven added, three refreshed');
		assert.equal(loader.hasMore, true, 'a page with new rows does not end the walk');
		// After a reset the same ids are new again.
		loader.reset();
		api.listContacts = listContacts;
		await loader.loadNextPage();
		assert.equal(store.size, 10);
	});

	it('joins a page already loading instead of fetching it twice', async () => {
		const api = fakeApi(25);
		const loader = new ContactsLoader(new ContactStore(), () => api, 10);
		await Promise.all([loader.loadNextPage(), loader.loadNextPage()]);
		assert.deepEqual(api.calls, [0]);
	});

	it('loads everything with progress, and stops when cancelled', async () => {
		const api = fakeApi(45);
		const store = new ContactStore();
		const loader = new ContactsLoader(store, () => api, 10);
		const progress: number[] = [];
		loader.onDidProgress((p) => progress.push(p.loaded));
		await loader.loadAll();
		assert.deepEqual(progress, [10, 20, 30, 40, 45]);

		const api2 = fakeApi(45);
		const store2 = new ContactStore();
		const loader2 = new ContactsLoader(store2, () => api2, 10);
		const abort = new AbortController();
		loader2.onDidProgress((p) => {
			if (p.loaded >= 20) abort.abort();
		});
		await assert.rejects(loader2.loadAll(abort.signal), (e: PeriskopeApiError) => e.kind === 'cancelled');
		assert.equal(store2.size, 20);
		assert.equal(loader2.state.status, 'idle');
	});

	it('reports a failure as state, keeps what was loaded, and resumes at the failed page', async () => {
		const api = fakeApi(25);
		const store = new ContactStore();
		const loader = new ContactsLoader(store, () => api, 10);
		await loader.loadNextPage();
		api.fail.push(new PeriskopeApiError('server', 'boom', { status: 500 }));
		await assert.rejects(loader.loadNextPage());
		const state = loader.state as Extract<LoadState, { status: 'failed' }>;
		assert.equal(state.status, 'failed');
		assert.equal(state.error.kind, 'server');
		assert.equal(store.size, 10);
		await loader.loadNextPage();
		assert.equal(store.size, 20);
		assert.deepEqual(api.calls, [0, 10, 10]);
	});

	it('reset clears the store and drops the results of a load still in flight', async () => {
		const api = fakeApi(25);
		const store = new ContactStore();
		const loader = new ContactsLoader(store, () => api, 10);
		let open!: () => void;
		api.gate = new Promise((r) => (open = r));
		const pending = loader.loadNextPage();
		loader.reset();
		open();
		await pending;
		assert.equal(store.size, 0, 'late page from before the reset is dropped');
		assert.equal(loader.started, false);
		api.gate = undefined;
		await loader.loadNextPage();
		assert.equal(store.size, 10);
	});

	it('publishes retry notices while a page is retried', async () => {
		const store = new ContactStore();
		const states: LoadState[] = [];
		const api = {
			async listContacts(_o: number, _l: number, opts?: { onRetry?: (n: { attempt: number; delayMs: number; error: PeriskopeApiError }) => void }): Promise<ParsedPage> {
				opts?.onRetry?.({ attempt: 1, delayMs: 12_000, error: new PeriskopeApiError('rateLimited', 'slow down', { retryAfterMs: 12_000 }) });
				return { contacts: [contact('1')], count: 1, from: 1, to: 1, malformed: 0 };
			},
		};
		const loader = new ContactsLoader(store, () => api, 10);
		loader.onDidChangeState((s) => states.push(s));
		await loader.loadNextPage();
		assert.deepEqual(states.map((s) => s.status), ['loading', 'loading', 'idle']);
		const retrying = states[1] as Extract<LoadState, { status: 'loading' }>;
		assert.equal(retrying.retry?.delayMs, 12_000);
		assert.equal(retrying.retry?.reason.kind, 'rateLimited');
	});
});
