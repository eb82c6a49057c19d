// The contacts session: one owner for the client, signed-in state, store and shared loads.
// The first three tests fail on the design before it (two loads cancelled each other, and the
// pager kept the client it was built with until a refresh).
import assert from 'node:assert/strict';
import { parseBaseUrl } from '../../src/api/baseUrl';
import { PeriskopeApiError } from '../../src/api/errors';
import { ContactsSession, SessionSettings } from '../../src/contacts/session';
import { ApiDouble, startApiDouble } from '../double/server';

const TOKEN = 'session-token';

describe('ContactsSession', () => {
	let double: ApiDouble;
	let session: ContactsSession;
	const settings = (o: Partial<SessionSettings> = {}): SessionSettings => ({ apiBase: parseBaseUrl(double.url), pageSize: 100, requestTimeoutMs: 30_000, cacheEnabled: false, cacheMaxAgeMs: 0, ...o });
	const listOffsets = () => double.requests.filter((r) => r.path === '/v1/contacts').map((r) => Number(r.query.offset));

	beforeEach(async () => {
		double = await startApiDouble({ contacts: 1000, token: TOKEN, port: 0, seed: 3 });
		session = new ContactsSession({ settings: settings(), tokenFor: async () => TOKEN, userAgent: 'test' });
		session.setSignedIn(true);
	});
	afterEach(async () => {
		session.dispose();
		await double.close();
	});

	it('a caller that stops waiting does not stop a load someone else still waits for', async () => {
		double.setOptions({ latencyMs: 15 });
		const search = new AbortController();
		const searchLoad = session.loader.loadAll(search.signal);
		const loadAll = session.loader.loadAll(new AbortController().signal);
		// The search closes while the first pages are on their way.
		await new Promise((r) => setTimeout(r, 40));
		search.abort();
		await assert.rejects(searchLoad, { kind: 'cancelled' });
		await loadAll;
		assert.equal(session.store.size, 1000, 'Load all finished');
		assert.equal(double.requests.filter((r) => r.aborted).length, 0, 'no request was cancelled');
	});

	it('Cancel Loading ends the Load all wait, not the search’s background load', async () => {
		double.setOptions({ latencyMs: 15 });
		const user = new AbortController();
		const userLoad = session.loader.loadAll(user.signal);
		const searchLoad = session.loader.loadAll(new AbortController().signal);
		await new Promise((r) => setTimeout(r, 40));
		user.abort();
		await assert.rejects(userLoad, { kind: 'cancelled' });
		await searchLoad;
		assert.equal(session.store.size, 1000);
	});

	it('the page in flight is cancelled when nobody waits for it any more', async () => {
		double.setOptions({ latencyMs: 200 });
		const only = new AbortController();
		const load = session.loader.loadAll(only.signal);
		await new Promise((r) => setTimeout(r, 50));
		only.abort();
		await assert.rejects(load, { kind: 'cancelled' });
		for (let i = 0; i < 50 && !double.requests.some((r) => r.aborted); i++) await new Promise((r) => setTimeout(r, 10));
		assert.ok(double.requests.some((r) => r.aborted), 'the request was dropped');
		assert.equal(session.loader.loadingAll, false);
	});

	it('new settings apply to the next request, without a refresh', async () => {
		await session.loader.loadNextPage();
		assert.equal(session.store.size, 100);
		// The timeout shrinks: the pager must use the rebuilt client for its next page.
		session.applySettings(settings({ requestTimeoutMs: 1_000 }));
		double.fault({ kind: 'delay', ms: 1_500 }, { kind: 'delay', ms: 1_500 }, { kind: 'delay', ms: 1_500 }, { kind: 'delay', ms: 1_500 });
		const started = Date.now();
		await assert.rejects(session.loader.loadNextPage(), (e: PeriskopeApiError) => e.kind === 'timeout');
		assert.ok(Date.now() - started < 29_000);
		assert.equal(session.store.size, 100, 'what was loaded stays: only the API or page size start over');
	});

	it('a new API address starts over and its requests go there', async () => {
		await session.loader.loadNextPage();
		const other = await startApiDouble({ contacts: 30, token: TOKEN, port: 0, seed: 9 });
		try {
			session.applySettings(settings({ apiBase: parseBaseUrl(other.url) }));
			assert.equal(session.store.size, 0);
			await session.loader.loadNextPage();
			assert.equal(session.store.size, 30);
			assert.equal(other.requests.length, 1);
		} finally {
			await other.close();
		}
	});

	it('signing out empties the store and tells subscribers once', async () => {
		await session.loader.loadNextPage();
		const told: boolean[] = [];
		session.onDidChangeSignedIn((v) => told.push(v));
		session.setSignedIn(false);
		session.setSignedIn(false);
		assert.deepEqual(told, [false]);
		assert.equal(session.store.size, 0);
		assert.equal(session.signedIn, false);
	});

	it("a new token while signed in (another account) starts over: the old account's contacts go", async () => {
		await session.loader.loadNextPage();
		assert.equal(session.store.size, 100);
		const told: boolean[] = [];
		session.onDidChangeSignedIn((v) => told.push(v));
		session.setSignedIn(true);
		assert.equal(session.store.size, 0);
		assert.equal(session.loader.started, false);
		assert.deepEqual(told, [], 'still signed in: nothing to tell');
	});

	it('Load all shares the page the tree is loading instead of asking twice', async () => {
		double.setOptions({ latencyMs: 20 });
		const tree = session.loader.loadNextPage();
		const all = session.loader.loadAll();
		await Promise.all([tree, all]);
		assert.deepEqual(listOffsets().slice(0, 2), [0, 100]);
		assert.equal(new Set(listOffsets()).size, listOffsets().length, 'every offset once');
	});
});

describe('page size', () => {
	it('defaults to the API maximum; a refused size steps down once, is remembered for the origin, and logged', async () => {
		const double = await startApiDouble({ contacts: 3000, token: TOKEN, port: 0 });
		const learned: [string, number | undefined][] = [];
		const notices: string[] = [];
		const settings = { apiBase: parseBaseUrl(double.url), pageSize: 2000, requestTimeoutMs: 30_000, cacheEnabled: false, cacheMaxAgeMs: 0 };
		const session = new ContactsSession({
			settings,
			tokenFor: async () => TOKEN,
			userAgent: 'test',
			onNotice: (t) => notices.push(t),
			onPageSizeLearned: (origin, size) => learned.push([origin, size]),
		});
		try {
			session.setSignedIn(true);
			double.fault({ kind: 'status', status: 422, path: '/contacts', body: { code: 'VALIDATION_ERROR', message: 'Limit should be less than 2000', status: 422 } });
			await session.loader.loadNextPage();
			assert.equal(session.store.size, 500, 'one page of the smaller size');
			assert.deepEqual(learned, [[new URL(double.url).origin, 500]]);
			assert.ok(notices.some((n) => /refused a page of 2000/.test(n)), notices.join('\n'));
			assert.deepEqual(double.requests.map((r) => r.query.limit), ['2000', '500']);
			await session.loader.loadAll();
			assert.equal(session.store.size, 3000);

			// A new session for the same origin starts at the remembered size.
			const again = new ContactsSession({
				settings,
				tokenFor: async () => TOKEN,
				userAgent: 'test',
				learnedPageSizes: { [new URL(double.url).origin]: 500 },
				onPageSizeLearned: (origin, size) => learned.push([origin, size]),
			});
			again.setSignedIn(true);
			await again.loader.loadNextPage();
			assert.equal(again.loader.currentPageSize, 500);

			// Changing the setting forgets it: the user's new choice is asked for.
			again.applySettings({ ...settings, pageSize: 1000 });
			assert.deepEqual(learned.at(-1), [new URL(double.url).origin, undefined]);
			await again.loader.loadNextPage();
			assert.equal(again.loader.currentPageSize, 1000);
			assert.equal(double.requests.at(-1)!.query.limit, '1000');
			again.dispose();
		} finally {
			session.dispose();
			await double.close();
		}
	});

	it('steps down only once: a second refusal is shown as the failure', async () => {
		const double = await startApiDouble({ contacts: 100, token: TOKEN, port: 0 });
		const session = new ContactsSession({ settings: { apiBase: parseBaseUrl(double.url), pageSize: 2000, requestTimeoutMs: 30_000, cacheEnabled: false, cacheMaxAgeMs: 0 }, tokenFor: async () => TOKEN, userAgent: 'test' });
		try {
			session.setSignedIn(true);
			const refuse = { kind: 'status' as const, status: 422, path: '/contacts', body: { message: 'Limit should be less than 2000' } };
			double.fault(refuse, refuse);
			await assert.rejects(session.loader.loadNextPage(), { kind: 'validation' });
			assert.equal(session.loader.state.status, 'failed');
			assert.equal(double.requests.length, 2);
		} finally {
			session.dispose();
			await double.close();
		}
	});
});
