// The token goes only where the user sent it; server text is plain; settings are clamped.
import assert from 'node:assert/strict';
import { isLoopbackHost, parseBaseUrl } from '../../src/api/baseUrl';
import { PeriskopeClient, PeriskopeClientOptions, TokenTarget } from '../../src/api/client';
import { PeriskopeApiError } from '../../src/api/errors';
import { DEFAULT_RETRY_POLICY, retryDelay } from '../../src/api/retry';
import { plainServerText, traceIdOf } from '../../src/api/serverText';
import { describeFailure } from '../../src/contacts/failure';
import { clampInt } from '../../src/contacts/settingValues';
import { ApiDouble, startApiDouble } from '../double/server';
import { rejectsWithApiError } from './fixtures';

const TOKEN = 'sk_live_secret_token_123';


describe('trust: where the token may go', () => {
	describe('the API base URL', () => {
		it('accepts https anywhere and http only to this machine', () => {
			for (const ok of ['https://api.periskope.app/v1', 'https://proxy.example.com:8443/periskope/v1/', 'http://127.0.0.1:8787/v1', 'http://127.9.9.9/v1', 'http://localhost:3000/v1', 'http://[::1]:8787/v1', 'http://api.localhost/v1']) {
				const parsed = parseBaseUrl(ok);
				assert.ok(parsed.ok, `${ok}: ${parsed.ok ? '' : parsed.reason}`);
			}
			const u = parseBaseUrl(' https://api.periskope.app/v1/ ');
			assert.ok(u.ok);
			assert.equal(u.url, 'https://api.periskope.app/v1');
			assert.equal(u.origin, 'https://api.periskope.app');
			assert.equal(u.host, 'api.periskope.app');
		});

		it('refuses, with a reason, what would send the token somewhere else: never the default instead', () => {
			const cases: [unknown, RegExp][] = [
				['http://attacker.example/v1', /only to this machine.*attacker\.example needs https/],
				['http://10.0.0.5/v1', /needs https/],
				['http://127.0.0.1.attacker.example/v1', /needs https/],
				['not a url', /is not a URL/],
				['127.0.0.1:8787/v1', /not a URL|must be https/],
				['ftp://api.periskope.app/v1', /must be https/],
				['https://user:pass@api.periskope.app/v1', /user name or password/],
				['https://api.periskope.app/v1?redirect=x', /query/],
				['https://api.periskope.app/v1#frag', /fragment/],
				['', /empty/],
				[42, /empty/],
				[null, /empty/],
			];
			for (const [value, reason] of cases) {
				const parsed = parseBaseUrl(value);
				assert.equal(parsed.ok, false, String(value));
				if (!parsed.ok) assert.match(parsed.reason, reason, String(value));
			}
		});

		it('knows loopback hosts', () => {
			assert.equal(isLoopbackHost('127.0.0.1'), true);
			assert.equal(isLoopbackHost('[::1]'), true);
			assert.equal(isLoopbackHost('LOCALHOST'), true);
			assert.equal(isLoopbackHost('128.0.0.1'), false);
			assert.equal(isLoopbackHost('localhost.attacker.example'), false);
		});
	});

	describe('the client', () => {
		let double: ApiDouble;
		let other: ApiDouble;
		beforeEach(async () => {
			double = await startApiDouble({ contacts: 25, token: TOKEN, port: 0, seed: 7 });
			other = await startApiDouble({ contacts: 5, token: 'other', port: 0 });
		});
		afterEach(async () => {
			await double.close();
			await other.close();
		});
		const client = (o: Partial<PeriskopeClientOptions> = {}) =>
			new PeriskopeClient({ baseUrl: double.url, getToken: () => TOKEN, sleep: async () => undefined, ...o });

		it('sends nothing to a refused base URL', async () => {
			let asked = 0;
			const e = await rejectsWithApiError(new PeriskopeClient({ baseUrl: 'http://attacker.example/v1', getToken: () => (asked++, TOKEN) }).listContacts(0, 10));
			assert.equal(e.kind, 'config');
			assert.match(e.message, /Nothing was sent/);
			assert.equal(asked, 0, 'the token was not even read');
		});

		it('tells the token owner where each request goes, and sends nothing when it says no', async () => {
			const targets: TokenTarget[] = [];
			await client({ getToken: (t) => (targets.push(t), TOKEN) }).listContacts(0, 1);
			assert.deepEqual(targets, [{ origin: new URL(double.url).origin, host: new URL(double.url).host }]);
			const e = await rejectsWithApiError(
				client({
					getToken: () => {
						throw new PeriskopeApiError('tokenWithheld', 'not allowed');
					},
				}).listContacts(0, 1),
			);
			assert.equal(e.kind, 'tokenWithheld');
			assert.equal(double.requests.length, 1, 'only the first request went out');
		});

		for (const status of [301, 302, 307, 308] as const) {
			it(`does not follow a ${status} redirect: the token never reaches the Location`, async () => {
				double.fault({ kind: 'redirect', status, location: `${other.url}/contacts?offset=0&limit=10` });
				const e = await rejectsWithApiError(client().listContacts(0, 10));
				assert.equal(e.kind, 'http');
				assert.equal(e.status, status);
				assert.match(e.message, new RegExp(`redirect \\(${status}\\) to ${new URL(other.url).host.replace(/\./g, '\\.')}.*not followed`));
				assert.equal(other.requests.length, 0, 'the other server got no request at all');
				assert.equal(double.requests.length, 1, 'and it is not retried');
			});
		}

		it('caps the body: over the cap is a clear error and the connection is dropped', async () => {
			double.fault({ kind: 'huge', bytes: 50 * 1024 * 1024 });
			const e = await rejectsWithApiError(client({ maxBodyBytes: 2 * 1024 * 1024 }).listContacts(0, 10));
			assert.equal(e.kind, 'badResponse');
			assert.match(e.message, /larger than 2 MB/);
			const record = double.requests.find((r) => r.fault === 'huge')!;
			for (let i = 0; i < 100 && !record.aborted; i++) await new Promise((r) => setTimeout(r, 10));
			assert.equal(record.aborted, true, 'the client went away');
			assert.ok((record.bytesSent ?? 0) < 20 * 1024 * 1024, `sent ${record.bytesSent} bytes before the drop`);
		});

		it('a declared Content-Length over the cap is refused before reading', async () => {
			double.fault({ kind: 'status', status: 200, body: 'x'.repeat(5000), headers: { 'content-type': 'application/json' } });
			const e = await rejectsWithApiError(client({ maxBodyBytes: 1000 }).listContacts(0, 10));
			assert.equal(e.kind, 'badResponse');
		});

		it('makes server text plain: no links, icons or control characters, and never the token', async () => {
			double.fault({
				kind: 'status',
				status: 422,
				body: { message: `Bad [click](command:periskope.signOut) $(alert) token ${TOKEN}\u202e evil\n<img src=x onerror=alert(1)>`, code: 'X' },
				headers: { 'x-periskope-trace-id': '[x](command:y)' },
			});
			const e = await rejectsWithApiError(client().listContacts(0, 10));
			assert.equal(e.kind, 'validation');
			for (const text of [e.message, e.apiMessage ?? '']) {
				assert.ok(!text.includes(TOKEN), text);
				assert.ok(!text.includes(']('), text);
				assert.ok(!text.includes('$('), text);
				assert.ok(!/[\u202a-\u202e\n]/.test(text), text);
			}
			assert.match(e.apiMessage!, /\*\*\*/, 'the token is cut out');
			assert.equal(e.traceId, undefined, 'a trace id that does not look like one is dropped');
			assert.ok(!e.message.includes('trace'));
		});
	});

	describe('plain server text', () => {
		it('breaks link and icon syntax, drops controls, bounds the length', () => {
			assert.equal(plainServerText('a](b'), 'a]\u200b(b');
			assert.equal(plainServerText('$(zap)'), '$\u200b(zap)');
			assert.equal(plainServerText('x\u0000y\u202ez\r\nw'), 'xyz w');
			assert.equal(plainServerText('abcdef', 4), 'abc…');
			assert.equal(plainServerText('key secret-token-1 here', 100, 'secret-token-1'), 'key *** here');
		});

		it('shows trace ids only when they look like ids', () => {
			assert.equal(traceIdOf('3f2c9a1e-8b7d-4c1a-9e2f-0a1b2c3d4e5f'), '3f2c9a1e-8b7d-4c1a-9e2f-0a1b2c3d4e5f');
			assert.equal(traceIdOf('Root=1-5759e988-bd862e3fe1be46a994272793'), undefined);
			assert.equal(traceIdOf('abc def'), undefined);
			assert.equal(traceIdOf('$(x)'), undefined);
			assert.equal(traceIdOf('a'.repeat(200)), undefined);
			assert.equal(traceIdOf(null), undefined);
		});
	});

	describe('settings and retries', () => {
		it('clamps numbers the user may have written wrong', () => {
			assert.equal(clampInt(0.001, 1, 300, 30), 1);
			assert.equal(clampInt(1e9, 1, 300, 30), 300);
			assert.equal(clampInt('abc', 1, 300, 30), 30);
			assert.equal(clampInt('45', 1, 300, 30), 45);
			assert.equal(clampInt(NaN, 1, 300, 30), 30);
			assert.equal(clampInt(Infinity, 1, 300, 30), 30);
			assert.equal(clampInt(null, 1, 2000, 500), 500);
			assert.equal(clampInt(-5, 1, 2000, 500), 1);
		});

		it('a 429 that says nothing of when to come back waits seconds, not 0.3 s', () => {
			const bare = new PeriskopeApiError('rateLimited', 'rate limited');
			for (const attempt of [0, 1, 2]) {
				const delay = retryDelay(bare, attempt, DEFAULT_RETRY_POLICY, () => 0)!;
				assert.ok(delay >= 5000, `attempt ${attempt}: ${delay} ms`);
			}
			const told = new PeriskopeApiError('rateLimited', 'rate limited', { retryAfterMs: 1200 });
			assert.equal(retryDelay(told, 0, DEFAULT_RETRY_POLICY, () => 0), 1200, 'the server’s own wait is honoured');
		});
	});

	describe('describing a failure', () => {
		it('gives each kind a title, a next step and actions; the token-withheld and config ones open the URL setting', () => {
			const config = describeFailure(new PeriskopeApiError('config', 'Nothing was sent: bad'));
			assert.deepEqual(config.actions, ['openSettings']);
			assert.equal(config.setting, 'periskope.apiBaseUrl');
			const withheld = describeFailure(new PeriskopeApiError('tokenWithheld', 'not sent'));
			assert.deepEqual(withheld.actions, ['allowOrigin', 'openSettings']);
			assert.equal(describeFailure(new PeriskopeApiError('cancelled', 'x')).silent, true);
			assert.deepEqual(describeFailure(new PeriskopeApiError('unauthorized', 'x')).actions, ['setToken']);
			assert.equal(describeFailure(new Error('boom')).message, 'boom');
		});

		it('a 422 is about the page size only when it names limit; any other says what Periskope refused and points at the log', () => {
			const limit = describeFailure(new PeriskopeApiError('validation', 'Rejected', { status: 422, apiMessage: 'limit must be <= 2000' }));
			assert.equal(limit.setting, 'periskope.pageSize');
			assert.match(limit.title, /page size/);
			const other = describeFailure(new PeriskopeApiError('validation', 'Rejected: contact_id is malformed', { status: 422, apiMessage: 'contact_id is malformed' }));
			assert.equal(other.setting, undefined);
			assert.doesNotMatch(`${other.title} ${other.nextStep}`, /page size|pageSize/);
			assert.deepEqual(other.actions, ['showLog', 'retry']);
			assert.equal(other.message, 'Rejected: contact_id is malformed');
		});
	});
});
