// The API double's ways of changing or bending the list under a walking pager: edits between
// pages, lying counts, capped and 1-based pages, redirects, endless bodies, short pages, and
// the run-time options. All over real HTTP.
import assert from 'node:assert/strict';
import type { Contact } from '../../src/api/types';
import { editedName } from '../double/faults';
import { FIXED_IDS, parseTimestamp } from '../double/generator';
import { ApiDouble, ApiDoubleOptions, Fault, startApiDouble } from '../double/server';

const TOKEN = 'chaos-test-token';

type Page = { contacts: Contact[]; count: number; from: number; to: number };

describe('API double: a list that changes and lies', () => {
	let double: ApiDouble;

	async function start(opts: ApiDoubleOptions = {}): Promise<ApiDouble> {
		double = await startApiDouble({ contacts: 30, token: TOKEN, port: 0, ...opts });
		return double;
	}
	afterEach(() => double?.close());

	function call(path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
		const headers = new Headers(init.headers);
		const token = init.token === undefined ? TOKEN : init.token;
		if (token !== null) headers.set('authorization', `Bearer ${token}`);
		return fetch(double.url + path, { ...init, headers });
	}

	async function page(path: string): Promise<Page> {
		const res = await call(path);
		assert.equal(res.status, 200);
		return res.json();
	}

	const ids = (contacts: readonly Contact[]) => contacts.map((c) => c.contact_id);
	const time = (c: Contact) => parseTimestamp(c.updated_at) ?? 0;

	function control(path: string, init: RequestInit = {}, token = TOKEN): Promise<Response> {
		return fetch(double.url.replace(/\/v1$/, '') + path, { ...init, headers: { authorization: `Bearer ${token}` } });
	}

	/** Waits for a condition the server reaches on its own (a socket closing), failing after 3 s. */
	async function until(check: () => boolean, what: string): Promise<void> {
		for (const started = Date.now(); !check(); ) {
			if (Date.now() - started > 3000) assert.fail(`timed out waiting for ${what}`);
			await new Promise((r) => setTimeout(r, 10));
		}
	}

	describe('mutate: edits between pages', () => {
		it('edits the last rows by default: later updated_at, new name, moved to the front', async () => {
			await start({ contacts: 20 });
			const before = double.contacts.map((c) => ({ ...c }));
			double.fault({ kind: 'mutate', edit: 3 });
			const body = await page('/contacts?limit=20');
			assert.equal(body.count, 20, 'an edit neither adds nor removes');
			assert.deepEqual(ids(body.contacts), [...ids(before.slice(17)), ...ids(before.slice(0, 17))]);
			const edited = body.contacts.slice(0, 3);
			const newestOther = Math.max(...body.contacts.slice(3).map(time));
			for (const [k, c] of edited.entries()) {
				assert.ok(time(c) > newestOther, `${c.contact_id} is newer than every other contact`);
				assert.equal(c.contact_name, editedName(before[17 + k].contact_name));
				assert.notEqual(c.contact_name, before[17 + k].contact_name);
			}
			assert.ok(time(edited[0]) > time(edited[1]) && time(edited[1]) > time(edited[2]), 'edited rows keep their order, newest first');
			const times = body.contacts.map(time);
			assert.ok(times.every((t, i) => i === 0 || t <= times[i - 1]), 'the list stays newest first');
			assert.deepEqual(body.contacts.slice(3), before.slice(0, 17), 'the rest is untouched');
		});

		it('edits from editAt, and by id (full or bare; unknown ids skipped), keeping their order', async () => {
			await start({ contacts: 20 });
			const before = ids(double.contacts);
			double.fault({ kind: 'mutate', edit: 2, editAt: 10, editIds: [FIXED_IDS.hostile, FIXED_IDS.nullName.replace('@c.us', ''), '10000000000'] });
			const body = await page('/contacts?limit=20');
			const moved = [before[1], before[2], before[10], before[11]];
			assert.deepEqual(ids(body.contacts), [...moved, ...before.filter((id) => !moved.includes(id))]);
			assert.equal(body.contacts[1].contact_name, '(edit 1)', 'a null name gets a name');
		});

		it('numbers repeated edits of one contact, and ignores edit counts past the end', async () => {
			await start({ contacts: 10 });
			double.fault({ kind: 'mutate', editIds: [FIXED_IDS.twoLabels] }, { kind: 'mutate', editIds: [FIXED_IDS.twoLabels] });
			await page('/contacts?limit=1');
			const body = await page('/contacts?limit=1');
			assert.equal(body.contacts[0].contact_name, 'Ada Lovelace (edit 2)');
			double.fault({ kind: 'mutate', edit: 5, editAt: 50 }, { kind: 'mutate', edit: 50 });
			const before = ids(double.contacts);
			assert.deepEqual(ids((await page('/contacts')).contacts), before, 'editAt past the end edits nothing');
			const all = await page('/contacts');
			assert.deepEqual(ids(all.contacts).sort(), [...before].sort(), 'edit > rows edits them all, losing none');
			assert.ok(all.contacts.every((c) => / \(edit \d+\)$|^\(edit \d+\)$/.test(c.contact_name ?? '')));
		});

		it('removes, then edits, then inserts, each step counting in the list as it is then', async () => {
			await start({ contacts: 20 });
			const before = ids(double.contacts);
			double.fault({ kind: 'mutate', remove: 2, at: 0, edit: 1, editAt: 5, insert: 1 });
			const body = await page('/contacts?limit=20');
			assert.equal(body.count, 19);
			assert.ok(!before.includes(body.contacts[0].contact_id), 'the inserted contact is first');
			assert.ok(time(body.contacts[0]) > time(body.contacts[1]), 'and newer than the edited one');
			// After removing rows 0-1, index 5 holds what was row 7.
			assert.deepEqual(ids(body.contacts.slice(1)), [before[7], ...before.slice(2, 7), ...before.slice(8)]);
		});

		it('edits a walk has not reached: the edited rows reappear on page one and drop off the tail', async () => {
			await start({ contacts: 30 });
			const first = await page('/contacts?offset=0&limit=10');
			double.fault({ kind: 'mutate', edit: 5 });
			const second = await page('/contacts?offset=10&limit=10');
			const third = await page('/contacts?offset=20&limit=10');
			const seen = new Set([...ids(first.contacts), ...ids(second.contacts), ...ids(third.contacts)]);
			assert.equal(seen.size, 25, 'a naive offset walk misses the 5 edited contacts');
			assert.equal(third.count, 30);
		});

		it('refuses malformed mutate fields in process and over HTTP', async () => {
			await start();
			for (const bad of [{ edit: -1 }, { edit: NaN }, { editAt: 1.5 }, { editIds: 'x' }, { editIds: [1] }, { editIds: [''] }]) {
				assert.throws(() => double.fault({ kind: 'mutate', ...bad } as Fault), TypeError, JSON.stringify(bad));
				const res = await control('/__double/faults', { method: 'POST', body: JSON.stringify({ kind: 'mutate', ...bad }) });
				assert.equal(res.status, 422, JSON.stringify(bad));
			}
			assert.equal(double.contacts.length, 30);
			assert.deepEqual(double.requests, []);
		});
	});

	describe('options: count skew, page cap, 1-based offsets', () => {
		it('countSkew shifts count up or down, never below 0, and leaves from/to alone', async () => {
			await start({ countSkew: 5 });
			assert.deepEqual(await page('/contacts?limit=10'), { ...(await page('/contacts?limit=10')), count: 35 });
			double.setOptions({ countSkew: -3 });
			const low = await page('/contacts?offset=20&limit=10');
			assert.deepEqual([low.count, low.from, low.to, low.contacts.length], [27, 21, 30, 10], 'rows past the count are still served');
			double.setOptions({ countSkew: -1000 });
			assert.equal((await page('/contacts?limit=1')).count, 0);
		});

		it('maxLimit serves fewer rows than asked, silently; over 2000 is still a 422', async () => {
			await start({ maxLimit: 7 });
			const capped = await page('/contacts?offset=5&limit=20');
			assert.deepEqual([capped.contacts.length, capped.from, capped.to, capped.count], [7, 6, 12, 30]);
			assert.deepEqual(ids(capped.contacts), ids(double.contacts.slice(5, 12)));
			assert.equal((await page('/contacts?limit=3')).contacts.length, 3, 'a smaller limit is honoured');
			assert.equal((await page('/contacts')).contacts.length, 7, 'so is the default limit');
			assert.equal((await call('/contacts?limit=2001')).status, 422);
			double.setOptions({ maxLimit: null });
			assert.equal((await page('/contacts?limit=20')).contacts.length, 20);
		});

		it('oneBasedOffset: offset 1 (and 0) is the first row, and from/to number the rows served', async () => {
			await start({ oneBasedOffset: true });
			const zero = await page('/contacts?offset=0&limit=10');
			assert.deepEqual(await page('/contacts?offset=1&limit=10'), zero);
			assert.deepEqual([zero.from, zero.to], [1, 10]);
			// A 0-based client asks for offset 10 next and gets row 10 again.
			const next = await page('/contacts?offset=10&limit=10');
			assert.deepEqual([next.from, next.to], [10, 19]);
			assert.equal(next.contacts[0].contact_id, zero.contacts[9].contact_id);
			assert.deepEqual(ids(next.contacts), ids(double.contacts.slice(9, 19)));
			const last = await page('/contacts?offset=30&limit=10');
			assert.deepEqual([last.from, last.to, last.contacts.length], [30, 30, 1]);
			const past = await page('/contacts?offset=40&limit=10');
			assert.deepEqual([past.contacts.length, past.from, past.to, past.count], [0, 40, 39, 30]);
		});

		it('oneBasedOffset with a 1000-row page: offset 500 gives rows 500..999', async () => {
			await start({ contacts: 1500, oneBasedOffset: true, maxLimit: 500 });
			const body = await page('/contacts?offset=500&limit=1000');
			assert.deepEqual([body.from, body.to, body.contacts.length], [500, 999, 500]);
			assert.equal(body.contacts[0].contact_id, double.contacts[499].contact_id);
		});

		it('refuses bad options at start and in setOptions, changing nothing', async () => {
			for (const bad of [{ countSkew: NaN }, { countSkew: 1.5 }, { maxLimit: 0 }, { maxLimit: -3 }, { maxLimit: Infinity }]) {
				await assert.rejects(startApiDouble({ port: 0, contacts: 1, ...bad }), TypeError, JSON.stringify(bad));
			}
			await start();
			const before = double.options;
			for (const bad of [{ countSkew: '3' }, { maxLimit: 2.5 }, { oneBasedOffset: 1 }, { latencyMs: -1 }, { latencyMs: 2 ** 31 }, { nope: 1 }, { countSkew: 1, maxLimit: 0 }]) {
				assert.throws(() => double.setOptions(bad as never), TypeError, JSON.stringify(bad));
			}
			assert.deepEqual(double.options, before);
			assert.deepEqual(before, { countSkew: 0, maxLimit: null, oneBasedOffset: false, latencyMs: 0 });
		});

		it('latencyMs can change while it runs', async () => {
			await start();
			double.setOptions({ latencyMs: 150 });
			const started = Date.now();
			assert.equal((await call('/contacts?limit=1')).status, 200);
			assert.ok(Date.now() - started >= 140);
		});
	});

	describe('options over HTTP', () => {
		it('GET and POST /__double/options with the token; POST changes only what it names', async () => {
			await start();
			assert.equal((await control('/__double/options', {}, 'wrong')).status, 401);
			assert.equal((await control('/__double/options', { method: 'POST', body: '{"countSkew":1}' }, 'wrong')).status, 401);
			assert.deepEqual(await (await control('/__double/options')).json(), { countSkew: 0, maxLimit: null, oneBasedOffset: false, latencyMs: 0 });
			const res = await control('/__double/options', { method: 'POST', body: JSON.stringify({ countSkew: -2, maxLimit: 4 }) });
			assert.equal(res.status, 200);
			assert.deepEqual(await res.json(), { countSkew: -2, maxLimit: 4, oneBasedOffset: false, latencyMs: 0 });
			await control('/__double/options', { method: 'POST', body: JSON.stringify({ oneBasedOffset: true }) });
			assert.deepEqual(double.options, { countSkew: -2, maxLimit: 4, oneBasedOffset: true, latencyMs: 0 });
			const body = await page('/contacts?offset=3&limit=10');
			assert.deepEqual([body.count, body.from, body.to, body.contacts.length], [28, 3, 6, 4]);
			assert.equal(double.requests.length, 1, 'control calls are not recorded');
		});

		it('answers 400 with a message to a bad body, changing nothing', async () => {
			await start();
			const bodies = [
				'', 'not json', '{"countSkew":', '[]', '[{"countSkew":1}]', 'null', '42', '"x"',
				'{"countSkew":"5"}', '{"countSkew":1e400}', '{"countSkew":0.5}', '{"maxLimit":0}', '{"maxLimit":-1}', '{"maxLimit":"10"}',
				'{"oneBasedOffset":"true"}', '{"latencyMs":-5}', '{"latencyMs":1e12}', '{"latencyMs":null}', '{"countSkew":1,"typo":2}',
				'{"__proto__":{"countSkew":5}}', '{"constructor":1}',
			];
			for (const body of bodies) {
				const res = await control('/__double/options', { method: 'POST', body });
				assert.equal(res.status, 400, body);
				const error = await res.json();
				assert.equal(error.status, 400);
				assert.ok(typeof error.message === 'string' && error.message.length > 0, body);
			}
			assert.deepEqual(double.options, { countSkew: 0, maxLimit: null, oneBasedOffset: false, latencyMs: 0 });
			assert.equal((await page('/contacts?limit=5')).count, 30);
		});
	});

	describe('redirect, huge and short faults', () => {
		it('redirect answers the status with Location and no API headers, once', async () => {
			await start();
			double.fault({ kind: 'redirect', location: 'https://example.invalid/v1/contacts' }, { kind: 'redirect', status: 308, location: '/elsewhere' });
			for (const [status, location] of [[302, 'https://example.invalid/v1/contacts'], [308, '/elsewhere']] as const) {
				const res = await call('/contacts', { redirect: 'manual' });
				assert.equal(res.status, status);
				assert.equal(res.headers.get('location'), location);
				assert.equal(res.headers.get('x-periskope-trace-id'), null);
				assert.equal(await res.text(), '');
			}
			assert.equal((await call('/contacts?limit=1', { redirect: 'manual' })).status, 200);
			assert.deepEqual(double.requests.map((r) => [r.status, r.fault]), [[302, 'redirect'], [308, 'redirect'], [200, undefined]]);
		});

		it('refuses a malformed redirect, huge or short fault', async () => {
			await start();
			const bad = [
				{ kind: 'redirect' }, { kind: 'redirect', location: '' }, { kind: 'redirect', location: 'x', status: 303 },
				{ kind: 'redirect', location: 'http://a/\r\nSet-Cookie: x=1' }, { kind: 'redirect', location: 'http://a/é' },
				{ kind: 'huge' }, { kind: 'huge', bytes: -1 }, { kind: 'huge', bytes: '100' }, { kind: 'huge', bytes: 1.5 },
				{ kind: 'short' }, { kind: 'short', rows: -1 }, { kind: 'delay', ms: 2 ** 31 },
			];
			for (const fault of bad) {
				assert.throws(() => double.fault(fault as Fault), TypeError, JSON.stringify(fault));
				assert.equal((await control('/__double/faults', { method: 'POST', body: JSON.stringify(fault) })).status, 422, JSON.stringify(fault));
			}
			assert.deepEqual(await (await control('/__double/faults')).json(), []);
		});

		it('huge sends exactly `bytes` of never-closed JSON made of contact objects, chunked', async () => {
			await start();
			double.fault({ kind: 'huge', bytes: 200_000 });
			const res = await call('/contacts');
			assert.equal(res.status, 200);
			assert.match(res.headers.get('content-type') ?? '', /application\/json/);
			assert.equal(res.headers.get('content-length'), null, 'the size shows only by reading');
			assert.ok(res.headers.get('x-periskope-trace-id'), 'it looks like the API');
			const text = await res.text();
			assert.equal(Buffer.byteLength(text), 200_000);
			assert.throws(() => JSON.parse(text), SyntaxError);
			assert.ok(text.startsWith('{"contacts":[{"contact_color"'));
			const whole = JSON.parse(text.slice(0, text.lastIndexOf(',{')) + ']}') as Page;
			assert.ok(whole.contacts.length > 100);
			assert.ok(whole.contacts.every((c) => c.contact_id === double.contacts[0].contact_id));
			await until(() => double.requests[0].bytesSent === 200_000, 'the end of the body');
			assert.equal(double.requests[0].aborted, undefined, 'read to the end: not aborted');
			for (const bytes of [0, 5]) {
				double.fault({ kind: 'huge', bytes });
				assert.equal(await (await call('/contacts')).text(), '{"contacts":['.slice(0, bytes));
			}
		});

		it('huge streams without building the body, and stops and records it when the client goes away', async () => {
			await start();
			const bytes = 4_000_000_000; // 4 GB: would not fit if it were built first
			double.fault({ kind: 'huge', bytes });
			const abort = new AbortController();
			const started = Date.now();
			const res = await call('/contacts', { signal: abort.signal });
			assert.ok(Date.now() - started < 2000, 'headers come at once');
			const reader = res.body!.getReader();
			let read = 0;
			while (read < 300_000) {
				const { value, done } = await reader.read();
				assert.ok(!done);
				read += value.length;
			}
			abort.abort();
			await until(() => double.requests[0].aborted === true, 'the double to see the client leave');
			const sent = double.requests[0].bytesSent!;
			await new Promise((r) => setTimeout(r, 100));
			assert.equal(double.requests[0].bytesSent, sent, 'no more writes after the client left');
			assert.ok(sent >= read && sent < 100_000_000, String(sent));
			assert.equal(double.requests[0].status, 200);
			assert.equal((await call('/contacts?limit=1')).status, 200, 'the double still serves');
		});

		it('short returns fewer rows with consistent from/to and the real count, and waits for a list request', async () => {
			await start();
			double.fault({ kind: 'short', rows: 3 }, { kind: 'short', rows: 0 });
			assert.equal((await call(`/contacts/${encodeURIComponent(FIXED_IDS.twoLabels)}`)).status, 200, 'a single read does not use it');
			const short = await page('/contacts?offset=10&limit=10');
			assert.deepEqual([short.contacts.length, short.from, short.to, short.count], [3, 11, 13, 30]);
			assert.deepEqual(ids(short.contacts), ids(double.contacts.slice(10, 13)));
			const empty = await page('/contacts?offset=10&limit=10');
			assert.deepEqual([empty.contacts.length, empty.from, empty.to, empty.count], [0, 11, 10, 30]);
			assert.equal((await page('/contacts?offset=10&limit=10')).contacts.length, 10, 'used up');
			assert.deepEqual(double.requests.map((r) => r.fault), [undefined, 'short', 'short', undefined]);
			double.fault({ kind: 'short', rows: 50 });
			assert.equal((await page('/contacts?limit=5')).contacts.length, 5, 'never more than asked');
		});
	});

	describe('request log', () => {
		it('records tokenMatched and hadAuth, never the header value', async () => {
			await start();
			double.fault({ kind: '503' });
			await call('/contacts?limit=1'); // the fault answers, the token still matched
			await call('/contacts?limit=1');
			await call('/contacts?limit=1', { token: 'wrong' });
			await call('/contacts?limit=1', { token: null });
			await call('/contacts?limit=1', { token: null, headers: { authorization: TOKEN } }); // no "Bearer "
			assert.deepEqual(
				double.requests.map((r) => [r.status, r.hadAuth, r.tokenMatched]),
				[[503, true, true], [200, true, true], [401, true, false], [401, false, false], [401, true, false]],
			);
			const log = await (await control('/__double/requests')).text();
			for (const text of [JSON.stringify(double.requests), log]) {
				assert.ok(!text.includes(TOKEN) && !text.includes('wrong') && !/bearer/i.test(text));
			}
		});

		it('shows zero requests carried the token when a client never sent it', async () => {
			await start();
			await call('/contacts', { token: null });
			await call('/contacts', { token: 'other' });
			assert.equal(double.requests.filter((r) => r.tokenMatched).length, 0);
		});

		it('marks a request aborted when the client leaves during latency, not when a drop fault cuts it', async () => {
			await start();
			double.setOptions({ latencyMs: 2000 });
			const abort = new AbortController();
			const pending = call('/contacts', { signal: abort.signal });
			await until(() => double.requests.length === 1, 'the request to arrive');
			abort.abort();
			await assert.rejects(pending);
			await until(() => double.requests[0].aborted === true, 'the abort');
			assert.equal(double.requests[0].status, 0);
			double.setOptions({ latencyMs: 0 });
			double.fault({ kind: 'drop' });
			await assert.rejects(call('/contacts'), TypeError);
			await new Promise((r) => setTimeout(r, 50));
			assert.equal(double.requests[1].aborted, undefined);
			assert.equal((await call('/contacts?limit=1')).status, 200);
			assert.equal(double.requests[2].aborted, undefined);
		});
	});
});
