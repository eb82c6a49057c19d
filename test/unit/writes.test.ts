// Writes end to end over real HTTP: the client's requests (exact bodies, as the double records
// them), the double's contract (replace, case-insensitive, created labels, 204, 422), and the
// editor's rules (optimistic, undone on refusal, read back and never re-sent after a lost answer).
import assert from 'node:assert/strict';
import { PeriskopeClient } from '../../src/api/client';
import type { Contact } from '../../src/api/types';
import { ContactEditor } from '../../src/contacts/contactEditor';
import { planLabels } from '../../src/contacts/labelEdits';
import { ContactStore } from '../../src/contacts/store';
import { ApiDouble, startApiDouble } from '../double/server';
import { rejectsWithApiError } from './fixtures';

const TOKEN = 'write-token';

describe('Writes', () => {
	let double: ApiDouble;

	beforeEach(async () => {
		double = await startApiDouble({ contacts: 30, token: TOKEN, port: 0, seed: 3 });
	});
	afterEach(() => double.close());

	const client = (timeoutMs = 5000) =>
		new PeriskopeClient({ baseUrl: double.url, getToken: () => TOKEN, timeoutMs, sleep: async () => undefined, random: () => 0.5 });
	const writes = () => double.requests.filter((r) => r.method !== 'GET');
	const byId = (id: string) => double.contacts.find((c) => c.contact_id === id)!;

	/** A store holding what the double lists (copies: the store owns what it ingests). */
	function loadedStore(): ContactStore {
		const store = new ContactStore();
		store.ingest(double.contacts.map((c) => ({ ...c })));
		return store;
	}

	describe('client and double', () => {
		it('PATCH /contacts/labels sends the labels comma-separated and the ids, gets 204, and replaces the labels case-insensitively', async () => {
			const [a, b] = double.contacts.slice(7, 9);
			await client().setLabels([a.contact_id, b.contact_id], ['VIP', 'brand new', 'vip']);
			assert.deepEqual(writes().map((r) => [r.method, r.path, r.status, r.body]), [
				['PATCH', '/v1/contacts/labels', 204, { labels: 'VIP,brand new,vip', contact_ids: [a.contact_id, b.contact_id] }],
			]);
			// `VIP` is the org's `vip`; the duplicate goes; `brand new` is created as written.
			assert.deepEqual(byId(a.contact_id).labels, ['vip', 'brand new']);
			assert.deepEqual(byId(b.contact_id).labels, ['vip', 'brand new']);
		});

		it('PATCH /contacts/{id} sends contact_name and is_internal to the bare number', async () => {
			const target = double.contacts.find((c) => c.contact_id.endsWith('@c.us'))!;
			const echoed = await client().updateContact(target.contact_id, { contact_name: 'Zoë Renamed', is_internal: true });
			const [write] = writes();
			assert.equal(write.path, `/v1/contacts/${target.contact_id.replace('@c.us', '')}`);
			assert.deepEqual(write.body, { contact_name: 'Zoë Renamed', is_internal: true });
			assert.equal(echoed?.contact_name, 'Zoë Renamed');
			assert.equal(byId(target.contact_id).is_internal, true);
		});

		it('the double answers 422 to bad bodies and the client says validation', async () => {
			const id = double.contacts[0].contact_id;
			const raw = (body: unknown, path = '/contacts/labels') =>
				fetch(`${double.url}${path}`, { method: 'PATCH', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) }).then((r) => r.status);
			assert.equal(await raw({ labels: 'a', contact_ids: [] }), 422);
			assert.equal(await raw({ labels: ['a'], contact_ids: [id] }), 422);
			assert.equal(await raw({}, `/contacts/${id.replace('@c.us', '')}`), 422);
			assert.equal(await raw({ is_internal: 'yes' }, `/contacts/${id.replace('@c.us', '')}`), 422);
			double.fault({ kind: 'status', status: 422, path: '/contacts/labels', body: { code: 'VALIDATION_ERROR', message: 'labels is invalid', status: 422 } });
			const error = await rejectsWithApiError(client().setLabels([id], ['x']));
			assert.equal(error.kind, 'validation');
			assert.equal(error.apiMessage, 'labels is invalid');
		});

		it('refuses a label with a comma before sending anything', async () => {
			await rejectsWithApiError(client().setLabels([double.contacts[0].contact_id], ['a,b']));
			assert.equal(writes().length, 0);
		});

		it('never sends a write twice after a timeout or a lost answer (a 503 is not retried either; a 429 is)', async () => {
			const id = double.contacts[0].contact_id;
			double.fault({ kind: 'lost-reply', method: 'PATCH' });
			assert.equal((await rejectsWithApiError(client().setLabels([id], ['beta']))).kind, 'network');
			double.fault({ kind: 'delay', ms: 400, method: 'PATCH' });
			assert.equal((await rejectsWithApiError(client(100).setLabels([id], ['beta']))).kind, 'timeout');
			double.fault({ kind: '503', method: 'PATCH' });
			assert.equal((await rejectsWithApiError(client().setLabels([id], ['beta']))).kind, 'server');
			assert.equal(writes().length, 3, 'one request per call');
			double.fault({ kind: '429', method: 'PATCH', retryAfter: 0 });
			await client().setLabels([id], ['beta']);
			assert.deepEqual(writes().slice(3).map((r) => r.status), [429, 204], 'a 429 said nothing was done: sent again');
		});
	});

	describe('ContactEditor', () => {
		it('changes the store at once, before the answer, and keeps it when Periskope accepts', async () => {
			const store = loadedStore();
			const [a, b] = [store.get(double.contacts[3].contact_id)!, store.get(double.contacts[4].contact_id)!];
			const editor = new ContactEditor(store, () => client());
			const plan = planLabels([a, b], ['Q3 campaign', 'fresh'], ['vip', 'Q3 campaign']);
			double.fault({ kind: 'delay', ms: 200, method: 'PATCH' });
			const seen: string[][] = [];
			editor.onDidEdit((cs) => seen.push(cs.map((c) => c.labels.join('|'))));
			const pending = editor.setLabels(plan);
			// Optimistic: the store (so tree and search) has the new labels while the request is in flight.
			assert.deepEqual(store.get(a.contact_id)!.labels, ['Q3 campaign', 'fresh']);
			assert.deepEqual(store.search('fresh', 10).map((c) => c.contact_id).sort(), [a.contact_id, b.contact_id].sort());
			const outcome = await pending;
			assert.equal(outcome.ok, true);
			assert.equal(outcome.message, '');
			assert.deepEqual(seen, [['Q3 campaign|fresh', 'Q3 campaign|fresh']]);
			assert.deepEqual(byId(a.contact_id).labels, ['Q3 campaign', 'fresh']);
			assert.deepEqual(writes().map((r) => r.body), [{ labels: 'Q3 campaign,fresh', contact_ids: [a.contact_id, b.contact_id] }]);
		});

		it('rolls back, visibly, when Periskope refuses', async () => {
			const store = loadedStore();
			const a = store.get(double.contacts[5].contact_id)!;
			const before = [...a.labels];
			const editor = new ContactEditor(store, () => client());
			double.fault({ kind: 'status', status: 422, method: 'PATCH', body: { code: 'VALIDATION_ERROR', message: 'no such label group', status: 422 } });
			const outcome = await editor.setLabels(planLabels([a], ['nope'], []));
			assert.equal(outcome.ok, false);
			assert.deepEqual(outcome.unchanged, [a.contact_id]);
			assert.match(outcome.message, /^Labels not changed: Periskope refused the change \(422\): no such label group\./);
			assert.deepEqual(store.get(a.contact_id)!.labels, before, 'the store is back as it was');
			assert.equal(store.search('nope', 5).length, 0, 'and so is the search');
		});

		it('differing labels: one request per result, and a failure half way names who changed and who did not', async () => {
			const store = loadedStore();
			const ids = double.contacts.slice(10, 13).map((c) => c.contact_id);
			// Give them different labels first (on both sides).
			const setup = [['vip'], ['vip', 'lead'], ['support']];
			for (const [i, id] of ids.entries()) {
				await client().setLabels([id], setup[i]);
				store.applyFields(id, { labels: setup[i] });
			}
			const since = double.requests.length;
			const contacts = ids.map((id) => store.get(id)!);
			// Keep the mixed "vip" and "lead" as they are, add "beta", remove "support".
			const plan = planLabels(contacts, ['vip', 'lead', 'beta'], []);
			double.fault({ kind: '500', method: 'PATCH' }); // hits the first request only
			const editor = new ContactEditor(store, () => client());
			const outcome = await editor.setLabels(plan);
			const sent = double.requests.slice(since).filter((r) => r.method === 'PATCH');
			assert.equal(sent.length, 1, 'stops at the first failure; nothing re-sent');
			assert.equal(outcome.ok, false);
			assert.deepEqual(outcome.changed, []);
			assert.deepEqual(outcome.unchanged.sort(), [...ids].sort());
			for (const [i, id] of ids.entries()) assert.deepEqual(store.get(id)!.labels, setup[i], 'all rolled back');
			// Now without the fault: three distinct results, three requests with exact bodies.
			const ok = await editor.setLabels(planLabels(ids.map((id) => store.get(id)!), ['vip', 'lead', 'beta'], []));
			assert.equal(ok.ok, true);
			const bodies = double.requests.slice(since).filter((r) => r.method === 'PATCH' && r.status === 204).map((r) => r.body);
			assert.deepEqual(bodies, [
				{ labels: 'vip,beta', contact_ids: [ids[0]] },
				{ labels: 'vip,lead,beta', contact_ids: [ids[1]] },
				{ labels: 'beta', contact_ids: [ids[2]] },
			]);
		});

		it('a lost answer is not re-sent: the contacts are read back and the store keeps what Periskope has', async () => {
			const store = loadedStore();
			const a = store.get(double.contacts[6].contact_id)!;
			const editor = new ContactEditor(store, () => client());
			double.fault({ kind: 'lost-reply', method: 'PATCH' });
			const outcome = await editor.setLabels(planLabels([a], ['partner'], []));
			const after = double.requests.filter((r) => r.method === 'PATCH' || r.path === `/v1/contacts/${a.contact_id.replace('@c.us', '')}`);
			assert.deepEqual(after.map((r) => r.method), ['PATCH', 'GET'], 'one write, then one read');
			assert.equal(outcome.ok, true, 'the server had applied it');
			assert.match(outcome.message, /did not answer|connection/);
			assert.match(outcome.message, /not sent again/);
			assert.deepEqual(store.get(a.contact_id)!.labels, ['partner']);
		});

		it('a timeout the server never acted on: read back, shown as unchanged', async () => {
			const store = loadedStore();
			const a = store.get(double.contacts[8].contact_id)!;
			const before = a.contact_name;
			const editor = new ContactEditor(store, () => client(100));
			double.fault({ kind: 'delay', ms: 400, method: 'PATCH' });
			const outcome = await editor.update(a.contact_id, { contact_name: 'Never Applied' });
			assert.equal(outcome.ok, false);
			assert.deepEqual(outcome.unchanged, [a.contact_id]);
			assert.match(outcome.message, /^The name not changed: Periskope did not answer in time\. The request was not sent again/);
			assert.equal(store.get(a.contact_id)!.contact_name, before);
			assert.equal(writes().length, 1);
		});

		it('an undo never brings back a contact a refresh dropped, nor overwrites a newer copy a page brought', async () => {
			const store = loadedStore();
			const [a, b] = [store.get(double.contacts[12].contact_id)!, store.get(double.contacts[13].contact_id)!];
			const editor = new ContactEditor(store, () => client());
			// Every answer comes 150 ms late, and the write is refused: time for a refresh in between.
			double.setOptions({ latencyMs: 150 });
			double.fault({ kind: 'status', status: 422, method: 'PATCH' });
			const pending = editor.update(a.contact_id, { contact_name: 'Doomed' });
			store.clear();
			assert.equal((await pending).ok, false);
			assert.equal(store.size, 0, 'the refresh stands');
			const second = loadedStore();
			const editor2 = new ContactEditor(second, () => client());
			double.fault({ kind: 'status', status: 422, method: 'PATCH' });
			const refused = editor2.update(b.contact_id, { contact_name: 'Doomed too' });
			second.ingest([{ ...second.get(b.contact_id)!, contact_name: 'Fresh from a page', updated_at: '2030-01-01T00:00:00+00:00' }]);
			assert.equal((await refused).ok, false);
			assert.equal(second.get(b.contact_id)!.contact_name, 'Fresh from a page');
		});

		it('renames and toggles internal optimistically, taking the server echo', async () => {
			const store = loadedStore();
			const a: Contact = store.get(double.contacts[9].contact_id)!;
			const editor = new ContactEditor(store, () => client());
			const renamed = editor.update(a.contact_id, { contact_name: 'Qüxley GmbH' });
			assert.equal(store.get(a.contact_id)!.contact_name, 'Qüxley GmbH');
			assert.equal((await renamed).ok, true);
			assert.deepEqual(store.search('quxley', 5).map((c) => c.contact_id), [a.contact_id]);
			assert.equal((await editor.update(a.contact_id, { is_internal: true })).ok, true);
			assert.equal(store.get(a.contact_id)!.is_internal, true);
			assert.deepEqual(writes().map((r) => r.body), [{ contact_name: 'Qüxley GmbH' }, { is_internal: true }]);
		});
	});
});
