// The API double over real HTTP: the contract other tests, the benchmark and the demo rely on.
import assert from 'node:assert/strict';
import { FIXED_CONTACTS, FIXED_IDS, generateContacts, HOSTILE_NAME, labelId } from '../double/generator';
import { ApiDouble, ApiDoubleOptions, startApiDouble } from '../double/server';

const TOKEN = 'double-test-token';

describe('API double', () => {
	let double: ApiDouble;

	async function start(opts: ApiDoubleOptions = {}): Promise<ApiDouble> {
		double = await startApiDouble({ contacts: 50, token: TOKEN, port: 0, ...opts });
		return double;
	}
	afterEach(() => double?.close());

	function call(path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
		const headers = new Headers(init.headers);
		const token = init.token === undefined ? TOKEN : init.token;
		if (token !== null) headers.set('authorization', `Bearer ${token}`);
		if (init.body) headers.set('content-type', 'application/json');
		return fetch(double.url + path, { ...init, headers });
	}

	async function page(path: string): Promise<{ contacts: { contact_id: string }[]; count: number; from: number; to: number }> {
		const res = await call(path);
		assert.equal(res.status, 200);
		return res.json();
	}

	describe('auth and errors', () => {
		it('answers 401 JSON without a token and with a wrong one, and never records the token', async () => {
			await start();
			for (const token of [null, 'wrong']) {
				const res = await call('/contacts', { token });
				assert.equal(res.status, 401);
				assert.match(res.headers.get('content-type') ?? '', /application\/json/);
				const body = await res.json();
				assert.deepEqual(Object.keys(body), ['code', 'message', 'status']);
				assert.equal(body.status, 401);
				assert.ok(res.headers.get('x-periskope-trace-id'));
			}
			assert.deepEqual(double.requests.map((r) => [r.status, r.hadAuth, r.tokenMatched]), [[401, false, false], [401, true, false]]);
			assert.ok(!JSON.stringify(double.requests).includes('wrong'));
		});

		it('answers 422 with the API body for a limit above 2000, and for a bad limit or offset', async () => {
			await start();
			const res = await call('/contacts?limit=5000');
			assert.equal(res.status, 422);
			assert.equal(
				await res.text(),
				'{"code":"VALIDATION_ERROR","message":"Limit should be less than 2000","name":"Validation Error","status":422,"fields":{"limit":{"message":"Limit should be less than 2000","value":"5000"}}}',
			);
			for (const query of ['limit=abc', 'limit=-1', 'limit=0', 'offset=-5', 'offset=1.5']) {
				const bad = await call(`/contacts?${query}`);
				assert.equal(bad.status, 422, query);
				assert.equal((await bad.json()).code, 'VALIDATION_ERROR');
			}
			assert.equal((await call('/contacts?limit=2000')).status, 200);
		});

		it('answers 404 JSON for an unknown route', async () => {
			await start();
			const res = await call('/nope');
			assert.equal(res.status, 404);
			assert.equal((await res.json()).status, 404);
		});
	});

	describe('paging', () => {
		it('pages first, middle, last and past the end with from/to numbered from 1', async () => {
			await start({ contacts: 25 });
			const first = await page('/contacts?offset=0&limit=10');
			assert.deepEqual([first.count, first.from, first.to, first.contacts.length], [25, 1, 10, 10]);
			assert.deepEqual(first.contacts.map((c) => c.contact_id), double.contacts.slice(0, 10).map((c) => c.contact_id));
			const middle = await page('/contacts?offset=10&limit=10');
			assert.deepEqual([middle.from, middle.to], [11, 20]);
			assert.equal(middle.contacts[0].contact_id, double.contacts[10].contact_id);
			const last = await page('/contacts?offset=20&limit=10');
			assert.deepEqual([last.from, last.to, last.contacts.length], [21, 25, 5]);
			const past = await page('/contacts?offset=100&limit=10');
			assert.deepEqual(past, { contacts: [], count: 25, from: 101, to: 100 });
		});

		it('defaults to offset 0 and limit 2000, and returns the seed shape', async () => {
			await start({ contacts: 2100 });
			const res = await call('/contacts');
			const body = await res.json();
			assert.deepEqual(Object.keys(body), ['contacts', 'count', 'from', 'to']);
			assert.deepEqual([body.contacts.length, body.count, body.from, body.to], [2000, 2100, 1, 2000]);
			assert.deepEqual(Object.keys(body.contacts[0]), [
				'contact_color', 'contact_id', 'contact_image', 'contact_name', 'contact_type', 'is_imported', 'is_internal',
				'is_my_contact', 'is_wa_contact', 'label_ids', 'labels', 'org_id', 'updated_at',
			]);
			assert.equal(body.contacts[0].chat_ids, undefined, 'the list carries no chat_ids');
		});

		it('serves the fixed contacts first, the hostile name verbatim', async () => {
			await start();
			const body = await page(`/contacts?limit=${FIXED_CONTACTS.length}`);
			assert.deepEqual(body.contacts, FIXED_CONTACTS);
			assert.equal((body.contacts[1] as { contact_name?: string }).contact_name, HOSTILE_NAME);
		});

		it('sees changes to the live list', async () => {
			await start({ contacts: 10 });
			double.contacts.splice(0, 3);
			const body = await page('/contacts');
			assert.equal(body.count, 7);
		});
	});

	describe('headers and rate limit', () => {
		it('sends rate-limit, org and a unique trace id header on every response', async () => {
			await start({ rateLimit: { limit: 100, windowMs: 60_000 } });
			const a = await call('/contacts?limit=1');
			const b = await call('/contacts/1', { token: 'wrong' });
			for (const res of [a, b]) {
				assert.equal(res.headers.get('x-ratelimit-limit'), '100');
				assert.ok(Number(res.headers.get('x-ratelimit-reset')) >= 1);
				assert.match(res.headers.get('x-periskope-org-id') ?? '', /^[0-9a-f-]{36}$/);
				assert.ok(res.headers.get('x-periskope-trace-id'));
			}
			assert.equal(a.headers.get('x-ratelimit-remaining'), '99');
			assert.notEqual(a.headers.get('x-periskope-trace-id'), b.headers.get('x-periskope-trace-id'));
			assert.equal(double.requests[0].traceId, a.headers.get('x-periskope-trace-id'));
		});

		it('answers 429 with Retry-After once the window is spent', async () => {
			await start({ rateLimit: { limit: 3, windowMs: 60_000 } });
			for (let i = 0; i < 3; i++) assert.equal((await call('/contacts?limit=1')).status, 200);
			const res = await call('/contacts?limit=1');
			assert.equal(res.status, 429);
			assert.equal(res.headers.get('x-ratelimit-remaining'), '0');
			const retryAfter = Number(res.headers.get('retry-after'));
			assert.ok(retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
			assert.equal((await res.json()).status, 429);
		});
	});

	describe('faults', () => {
		it('429 with Retry-After in seconds, as a date, or none, and a reset override', async () => {
			await start();
			const date = new Date(Date.now() + 5000).toUTCString();
			double.fault({ kind: '429', retryAfter: 2 }, { kind: '429', retryAfter: date }, { kind: '429', retryAfter: null, reset: 7 });
			const a = await call('/contacts');
			assert.equal(a.status, 429);
			assert.equal(a.headers.get('retry-after'), '2');
			assert.equal((await call('/contacts')).headers.get('retry-after'), date);
			const c = await call('/contacts');
			assert.equal(c.headers.get('retry-after'), null);
			assert.equal(c.headers.get('x-ratelimit-reset'), '7');
			assert.equal((await call('/contacts?limit=1')).status, 200, 'each fault is used once');
			assert.deepEqual(double.requests.map((r) => r.fault), ['429', '429', '429', undefined]);
		});

		it('500, 502 and 503 as JSON errors', async () => {
			await start();
			double.fault({ kind: '500' }, { kind: '502' }, { kind: '503', retryAfter: 1 });
			for (const status of [500, 502, 503]) {
				const res = await call('/contacts');
				assert.equal(res.status, status);
				assert.equal((await res.json()).status, status);
			}
		});

		it('drop destroys the connection without an answer', async () => {
			await start();
			double.fault({ kind: 'drop' });
			await assert.rejects(call('/contacts'), TypeError);
			assert.equal(double.requests[0].status, 0);
			assert.equal((await call('/contacts?limit=1')).status, 200);
		});

		it('delay holds the answer', async () => {
			await start();
			double.fault({ kind: 'delay', ms: 200 });
			const started = Date.now();
			const res = await call('/contacts?limit=1');
			assert.equal(res.status, 200);
			assert.ok(Date.now() - started >= 190);
		});

		it('malformed-json sends a truncated 200 body; wrong-shape sends other JSON; html sends a proxy page', async () => {
			await start();
			double.fault({ kind: 'malformed-json' }, { kind: 'wrong-shape' }, { kind: 'html' });
			const malformed = await call('/contacts?limit=3');
			assert.equal(malformed.status, 200);
			await assert.rejects(malformed.json(), SyntaxError);
			const shape = await call('/contacts');
			assert.deepEqual([shape.status, await shape.json()], [200, { data: [] }]);
			const html = await call('/contacts');
			assert.equal(html.status, 502);
			assert.match(html.headers.get('content-type') ?? '', /text\/html/);
			assert.match(await html.text(), /<html>/);
			assert.equal(html.headers.get('x-periskope-trace-id'), null, 'a proxy page carries no API headers');
		});

		it('mutate inserts new contacts at the front and removes rows, shifting pages', async () => {
			await start({ contacts: 20 });
			const before = double.contacts.map((c) => c.contact_id);
			double.fault({ kind: 'mutate', insert: 3 });
			const inserted = await page('/contacts?limit=5');
			assert.equal(inserted.count, 23);
			assert.deepEqual(inserted.contacts.slice(3).map((c) => c.contact_id), before.slice(0, 2));
			assert.ok(inserted.contacts.slice(0, 3).every((c) => !before.includes(c.contact_id)));
			double.fault({ kind: 'mutate', remove: 4, at: 3 });
			const removed = await page('/contacts?offset=3&limit=2');
			assert.equal(removed.count, 19);
			assert.deepEqual(removed.contacts.map((c) => c.contact_id), before.slice(4, 6));
		});

		it('status sends any status and body; path and method target a fault', async () => {
			await start();
			double.fault({ kind: 'status', status: 418, body: { teapot: true }, path: '/contacts/', method: 'GET' });
			assert.equal((await call('/contacts?limit=1')).status, 200, 'the list does not match /contacts/');
			const res = await call(`/contacts/${FIXED_IDS.twoLabels.replace('@c.us', '')}`);
			assert.deepEqual([res.status, await res.json()], [418, { teapot: true }]);
		});

		it('clearFaults drops queued faults', async () => {
			await start();
			double.fault({ kind: '500' });
			double.clearFaults();
			assert.equal((await call('/contacts?limit=1')).status, 200);
		});

		it('takes faults over HTTP with the token, and clears them', async () => {
			await start();
			const control = double.url.replace(/\/v1$/, '') + '/__double/faults';
			const post = (body: unknown, token = TOKEN) =>
				fetch(control, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
			assert.equal((await post([{ kind: '503' }], 'wrong')).status, 401);
			assert.equal((await post([{ kind: 'nonsense' }])).status, 422);
			assert.equal((await post([{ kind: '503' }, { kind: '502' }])).status, 204);
			assert.equal((await call('/contacts')).status, 503);
			assert.equal((await fetch(control, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } })).status, 204);
			assert.equal((await call('/contacts?limit=1')).status, 200);
			assert.equal(double.requests.length, 2, 'control calls are not recorded');
		});
	});

	describe('single contact and updates', () => {
		it('returns one contact with chat_ids by bare number or encoded full id, 404 when unknown', async () => {
			await start();
			const id = FIXED_IDS.twoLabels;
			const bare = await call(`/contacts/${id.replace('@c.us', '')}`);
			assert.equal(bare.status, 200);
			const body = await bare.json();
			assert.equal(body.contact_id, id);
			assert.equal(body.chat_ids[0], id);
			assert.ok(body.chat_ids.length <= 5 && body.chat_ids.slice(1).every((c: string) => c.endsWith('@g.us')));
			const full = await (await call(`/contacts/${encodeURIComponent(id)}`)).json();
			assert.deepEqual(full, body, 'chat_ids are deterministic');
			const missing = await call('/contacts/10000000000');
			assert.equal(missing.status, 404);
			assert.equal((await missing.json()).code, 'NOT_FOUND');
		});

		it('PATCH /contacts/{id} updates name, is_internal and labels, and refuses an empty body', async () => {
			await start();
			const id = FIXED_IDS.nullName;
			const path = `/contacts/${id.replace('@c.us', '')}`;
			const before = double.contacts.find((c) => c.contact_id === id)!.updated_at;
			const res = await call(path, { method: 'PATCH', body: JSON.stringify({ contact_name: 'Named', is_internal: true, labels: 'VIP, New one,vip' }) });
			assert.equal(res.status, 200);
			const updated = double.contacts[0];
			assert.equal(updated.contact_id, id, 'an edited contact is newest, so first');
			assert.equal(updated.contact_name, 'Named');
			assert.equal(updated.is_internal, true);
			assert.deepEqual(updated.labels, ['vip', 'New one']);
			assert.deepEqual(updated.label_ids, { [labelId('vip')]: true, [labelId('new one')]: true });
			assert.notEqual(updated.updated_at, before);
			assert.equal((await call(path, { method: 'PATCH', body: '{}' })).status, 422);
			assert.equal((await call(path, { method: 'PATCH', body: JSON.stringify({ is_internal: 'yes' }) })).status, 422);
			assert.equal((await call('/contacts/10000000000', { method: 'PATCH', body: '{"contact_name":"x"}' })).status, 404);
		});

		it('PATCH /contacts/labels replaces labels on many contacts with 204', async () => {
			await start();
			const ids = [FIXED_IDS.twoLabels, FIXED_IDS.hostile.replace('@c.us', '')];
			const res = await call('/contacts/labels', { method: 'PATCH', body: JSON.stringify({ labels: 'partner', contact_ids: ids }) });
			assert.equal(res.status, 204);
			for (const id of [FIXED_IDS.twoLabels, FIXED_IDS.hostile]) {
				assert.deepEqual(double.contacts.find((c) => c.contact_id === id)!.labels, ['partner']);
			}
			assert.equal((await call('/contacts/labels', { method: 'PATCH', body: JSON.stringify({ labels: 'x' }) })).status, 422);
		});

		it('POST /contacts/create adds a contact at the front', async () => {
			await start({ contacts: 10 });
			const res = await call('/contacts/create', { method: 'POST', body: JSON.stringify({ contact_name: 'New', contact_id: '919000000001', labels: 'lead' }) });
			assert.equal(res.status, 200);
			assert.equal(double.contacts[0].contact_id, '919000000001@c.us');
			assert.deepEqual(double.contacts[0].labels, ['lead']);
			assert.equal(double.contacts.length, 11);
			assert.equal((await call('/contacts/create', { method: 'POST', body: JSON.stringify({ contact_name: 'Again', contact_id: '919000000001' }) })).status, 409);
		});
	});

	describe('generator', () => {
		it('is deterministic per seed and differs between seeds', () => {
			assert.deepEqual(generateContacts(500, { seed: 42 }), generateContacts(500, { seed: 42 }));
			const a = generateContacts(500, { seed: 1 }).slice(FIXED_CONTACTS.length);
			const b = generateContacts(500, { seed: 2 }).slice(FIXED_CONTACTS.length);
			assert.notDeepEqual(a.map((c) => c.contact_id), b.map((c) => c.contact_id));
		});

		// How fast it is belongs to the bench (`npm run bench`), not to a timed unit test.
		it('makes 100,000 unique, newest-first contacts with the spec mix', () => {
			const contacts = generateContacts(100_000, { seed: 3 });
			assert.equal(contacts.length, 100_000);
			assert.equal(new Set(contacts.map((c) => c.contact_id)).size, 100_000);
			const nullNames = contacts.filter((c) => c.contact_name === null).length / contacts.length;
			assert.ok(nullNames > 0.1 && nullNames < 0.2, String(nullNames));
			const types = new Set(contacts.map((c) => c.contact_type));
			for (const t of ['user', 'business', null, 'enterprise']) assert.ok(types.has(t), String(t));
			assert.ok(contacts.some((c) => c.contact_id.endsWith('@g.us')));
			assert.ok(contacts.some((c) => /[\u0900-\u097F]/.test(c.contact_name ?? '')), 'Devanagari');
			assert.ok(contacts.some((c) => /[\u0600-\u06FF]/.test(c.contact_name ?? '')), 'Arabic');
			assert.ok(contacts.some((c) => /[\u0400-\u04FF]/.test(c.contact_name ?? '')), 'Cyrillic');
			assert.ok(contacts.some((c) => /[\u4E00-\u9FFF]/.test(c.contact_name ?? '')), 'CJK');
			assert.ok(contacts.some((c) => /\p{Extended_Pictographic}/u.test(c.contact_name ?? '')), 'emoji');
			for (const c of contacts.slice(0, 2000)) {
				assert.match(c.contact_id, /^\d+@[cg]\.us$/);
				assert.match(c.updated_at ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?\+00:00$/);
				assert.ok(c.labels.length <= 3);
				assert.equal(Object.keys(c.label_ids ?? {}).length, c.labels.length);
				for (const label of c.labels) assert.equal(c.label_ids?.[labelId(label)] ?? true, true);
			}
			const times = contacts.map((c) => Date.parse(c.updated_at!));
			assert.ok(times.every((t, i) => i === 0 || t <= times[i - 1]), 'newest first');
		});

		it('serves 100,000 contacts in pages of 2000', async () => {
			await start({ contacts: 100_000 });
			const last = await page('/contacts?offset=98000&limit=2000');
			assert.deepEqual([last.contacts.length, last.count, last.from, last.to], [2000, 100_000, 98_001, 100_000]);
		});
	});
});
