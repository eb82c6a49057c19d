import assert from 'node:assert/strict';
import { PeriskopeClient, PeriskopeClientOptions, RequestLogLine } from '../../src/api/client';
import { ApiDouble, startApiDouble } from '../double/server';
import { rejectsWithApiError } from './fixtures';

const TOKEN = 'sk_live_secret_token_123';

describe('PeriskopeClient against the API double', () => {
	let double: ApiDouble;
	let sleeps: number[];
	let logLines: RequestLogLine[];

	beforeEach(async () => {
		double = await startApiDouble({ contacts: 25, token: TOKEN, port: 0, seed: 7 });
		sleeps = [];
		logLines = [];
	});
	afterEach(() => double.close());

	function client(overrides: Partial<PeriskopeClientOptions> = {}) {
		return new PeriskopeClient({
			baseUrl: double.url,
			getToken: () => TOKEN,
			sleep: async (ms) => {
				sleeps.push(ms);
			},
			random: () => 0.5,
			onRequest: (l) => logLines.push(l),
			...overrides,
		});
	}


	describe('paging', () => {
		it('reads the first, a middle and the last page with the API numbering', async () => {
			const first = await client().listContacts(0, 10);
			assert.equal(first.contacts.length, 10);
			assert.equal(first.count, 25);
			assert.deepEqual([first.from, first.to], [1, 10]);
			assert.deepEqual(first.contacts.map((c) => c.contact_id), double.contacts.slice(0, 10).map((c) => c.contact_id));
			const middle = await client().listContacts(10, 10);
			assert.deepEqual(middle.contacts.map((c) => c.contact_id), double.contacts.slice(10, 20).map((c) => c.contact_id));
			const last = await client().listContacts(20, 10);
			assert.equal(last.contacts.length, 5);
			assert.equal(last.to, 25);
		});

		it('says when a good response starts, with the rate-limit budget, before the body is read', async () => {
			const seen: { remaining?: number; bodyRead: boolean }[] = [];
			let bodyRead = false;
			const page = client()
				.listContacts(0, 10, { onResponse: (info) => seen.push({ remaining: info.rateLimitRemaining, bodyRead }) })
				.then((p) => {
					bodyRead = true;
					return p;
				});
			assert.equal((await page).contacts.length, 10);
			assert.equal(seen.length, 1);
			assert.equal(seen[0].bodyRead, false);
			assert.equal(seen[0].remaining, 9999, 'X-RateLimit-Remaining after one request of 10000');
			const refused = await rejectsWithApiError(client({ getToken: () => 'wrong-token' }).listContacts(0, 10, { onResponse: () => seen.push({ bodyRead }) }));
			assert.equal(refused.kind, 'unauthorized');
			assert.equal(seen.length, 1, 'not told of an error response');
		});

		it('returns an empty page past the end', async () => {
			const page = await client().listContacts(100, 10);
			assert.deepEqual(page.contacts, []);
			assert.equal(page.count, 25);
		});

		it('refuses a page size above 2000 before sending anything', async () => {
			const error = await rejectsWithApiError(client().listContacts(0, 5000));
			assert.equal(error.kind, 'validation');
			assert.equal(double.requests.length, 0);
		});

		it('gets one contact with its chats, by full id or bare number', async () => {
			const id = double.contacts[3].contact_id;
			const full = await client().getContact(id);
			assert.equal(full.contact_id, id);
			assert.ok(Array.isArray(full.chat_ids) && full.chat_ids.length >= 1);
			assert.ok(double.requests.at(-1)!.path.endsWith(`/contacts/${id.replace('@c.us', '')}`));
			const bare = await client().getContact(id.replace('@c.us', ''));
			assert.equal(bare.contact_id, id);
		});
	});

	describe('errors', () => {
		it('maps 401 to unauthorized without retrying and without the token anywhere', async () => {
			const error = await rejectsWithApiError(client({ getToken: () => 'wrong-token-value' }).listContacts(0, 10));
			assert.equal(error.kind, 'unauthorized');
			assert.equal(error.status, 401);
			assert.equal(double.requests.length, 1);
			assert.ok(error.traceId, 'trace id carried');
			assert.ok(error.message.includes(error.traceId!));
			assert.ok(!JSON.stringify({ ...error, message: error.message, stack: error.stack }).includes('wrong-token-value'));
		});

		it('maps a missing token to unauthorized without a request', async () => {
			const error = await rejectsWithApiError(client({ getToken: () => undefined }).listContacts(0, 10));
			assert.equal(error.kind, 'unauthorized');
			assert.equal(double.requests.length, 0);
		});

		it('maps 422 to validation with the API message', async () => {
			double.fault({ kind: 'status', status: 422, body: { code: 'VALIDATION_ERROR', message: 'Limit should be less than 2000', name: 'Validation Error', status: 422, fields: { limit: {} } } });
			const error = await rejectsWithApiError(client().listContacts(0, 10));
			assert.equal(error.kind, 'validation');
			assert.equal(error.apiMessage, 'Limit should be less than 2000');
			assert.match(error.message, /Limit should be less than 2000/);
			assert.equal(double.requests.length, 1, '4xx is never retried');
		});

		it('maps 404 to notFound without retrying', async () => {
			const error = await rejectsWithApiError(client().getContact('10000000000'));
			assert.equal(error.kind, 'notFound');
			assert.equal(double.requests.length, 1);
		});

		it('maps malformed JSON and a wrong shape to badResponse', async () => {
			double.fault({ kind: 'malformed-json' });
			const malformed = await rejectsWithApiError(client().listContacts(0, 10));
			assert.equal(malformed.kind, 'badResponse');
			assert.match(malformed.message, /malformed JSON/);
			double.fault({ kind: 'wrong-shape' });
			const shape = await rejectsWithApiError(client().listContacts(0, 10));
			assert.equal(shape.kind, 'badResponse');
			assert.match(shape.message, /contacts/);
		});

		it('names an HTML proxy page as such and retries it as a server error', async () => {
			double.fault({ kind: 'html' }, { kind: 'html' }, { kind: 'html' }, { kind: 'html' });
			const error = await rejectsWithApiError(client().listContacts(0, 10));
			assert.equal(error.kind, 'server');
			assert.match(error.message, /HTML/);
			assert.equal(double.requests.length, 4);
		});

		it('maps a dropped connection to network', async () => {
			double.fault({ kind: 'drop' }, { kind: 'drop' }, { kind: 'drop' }, { kind: 'drop' });
			const error = await rejectsWithApiError(client().listContacts(0, 10));
			assert.equal(error.kind, 'network');
			assert.match(error.message, /127\.0\.0\.1/);
		});

		it('maps a refused connection to network', async () => {
			await double.close();
			const error = await rejectsWithApiError(client({ retry: { maxRetries: 0 } }).listContacts(0, 10));
			assert.equal(error.kind, 'network');
			assert.match(error.message, /connection refused/);
		});
	});

	describe('retries', () => {
		it('retries a 500 with full-jitter exponential backoff and succeeds', async () => {
			double.fault({ kind: '500' }, { kind: '500' });
			const page = await client().listContacts(0, 10);
			assert.equal(page.contacts.length, 10);
			// random() = 0.5 of min(8000, 300 * 2^n)
			assert.deepEqual(sleeps, [150, 300]);
			assert.equal(double.requests.length, 3);
		});

		it('gives up after 3 retries', async () => {
			double.fault({ kind: '503' }, { kind: '503' }, { kind: '503' }, { kind: '503' }, { kind: '503' });
			const error = await rejectsWithApiError(client().listContacts(0, 10));
			assert.equal(error.kind, 'server');
			assert.equal(error.status, 503);
			assert.equal(double.requests.length, 4);
			assert.equal(sleeps.length, 3);
		});

		it('honours Retry-After in seconds on a 429', async () => {
			double.fault({ kind: '429', retryAfter: 2 });
			const notices: number[] = [];
			await client().listContacts(0, 10, { onRetry: (n) => notices.push(n.delayMs) });
			assert.deepEqual(sleeps, [2000]);
			assert.deepEqual(notices, [2000]);
		});

		it('honours Retry-After as an HTTP date', async () => {
			const now = Date.parse('2026-01-01T00:00:00Z');
			double.fault({ kind: '429', retryAfter: new Date(now + 5000).toUTCString() });
			await client({ now: () => now }).listContacts(0, 10);
			assert.deepEqual(sleeps, [5000]);
		});

		it('fails fast when the server asks for a wait beyond the bound', async () => {
			double.fault({ kind: '429', retryAfter: 3600 });
			const error = await rejectsWithApiError(client().listContacts(0, 10));
			assert.equal(error.kind, 'rateLimited');
			assert.equal(error.retryAfterMs, 3_600_000);
			assert.deepEqual(sleeps, []);
			assert.match(error.message, /3600 s/);
		});

		it('times out a request that takes too long', async () => {
			double.fault({ kind: 'delay', ms: 2000 });
			const started = Date.now();
			const error = await rejectsWithApiError(client({ timeoutMs: 100, retry: { maxRetries: 0 } }).listContacts(0, 10));
			assert.equal(error.kind, 'timeout');
			assert.ok(Date.now() - started < 1500);
		});

		it('retries a timeout and then succeeds', async () => {
			double.fault({ kind: 'delay', ms: 2000 });
			const page = await client({ timeoutMs: 150 }).listContacts(0, 10);
			assert.equal(page.contacts.length, 10);
			assert.equal(sleeps.length, 1);
		});
	});

	describe('cancellation', () => {
		it('cancels a request in flight', async () => {
			double.fault({ kind: 'delay', ms: 2000 });
			const abort = new AbortController();
			const started = Date.now();
			setTimeout(() => abort.abort(), 50);
			const error = await rejectsWithApiError(client().listContacts(0, 10, { signal: abort.signal }));
			assert.equal(error.kind, 'cancelled');
			assert.ok(Date.now() - started < 1500);
		});

		it('cancels during a retry wait and sends nothing more', async () => {
			double.fault({ kind: '500' }, { kind: '500' });
			const abort = new AbortController();
			const c = client({ sleep: undefined, retry: { baseDelayMs: 10_000, maxDelayMs: 10_000 } });
			setTimeout(() => abort.abort(), 50);
			const error = await rejectsWithApiError(c.listContacts(0, 10, { signal: abort.signal }));
			assert.equal(error.kind, 'cancelled');
			assert.equal(double.requests.length, 1);
		});

		it('does not start when already cancelled', async () => {
			const abort = new AbortController();
			abort.abort();
			const error = await rejectsWithApiError(client().listContacts(0, 10, { signal: abort.signal }));
			assert.equal(error.kind, 'cancelled');
			assert.equal(double.requests.length, 0);
		});
	});

	describe('token redaction', () => {
		it('keeps the token out of log lines and every error', async () => {
			double.fault({ kind: '500' }, { kind: 'html' }, { kind: 'drop' }, { kind: 'malformed-json' });
			await rejectsWithApiError(client().listContacts(0, 10));
			double.fault({ kind: 'status', status: 400, body: { message: `bad token ${TOKEN}` } });
			const echoed = await rejectsWithApiError(client().listContacts(0, 10));
			assert.ok(!echoed.message.includes(TOKEN), echoed.message);
			assert.ok(logLines.length > 0);
			assert.ok(!JSON.stringify(logLines).includes(TOKEN));
		});
	});
});
