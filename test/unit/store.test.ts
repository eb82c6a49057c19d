import assert from 'node:assert/strict';
import { UNKNOWN_TYPE_KEY, UNLABELED_KEY } from '../../src/contacts/grouping';
import { ContactStore, StoreChange } from '../../src/contacts/store';
import { contact } from './fixtures';

describe('ContactStore', () => {
	it('dedupes by id and counts added versus updated', () => {
		const store = new ContactStore();
		assert.deepEqual(store.ingest([contact('1', { contact_name: 'A' }), contact('2')]), { added: 2, updated: 0, unchanged: 0, cleared: false, fresh: 2 });
		assert.deepEqual(store.ingest([contact('1', { contact_name: 'A2' })]), { added: 0, updated: 1, unchanged: 1, cleared: false, fresh: 0 });
		assert.equal(store.size, 2);
		assert.equal(store.get('1@c.us')?.contact_name, 'A2');
	});

	it('groups by type with users, businesses, other types, then unknown', () => {
		const store = new ContactStore();
		store.ingest([
			contact('1', { contact_type: 'business' }),
			contact('2', { contact_type: null }),
			contact('3', { contact_type: 'user' }),
			contact('4', { contact_type: 'enterprise' }),
			contact('5', { contact_type: 'user' }),
		]);
		assert.deepEqual(store.groups('type'), [
			{ key: 'user', label: 'Users', count: 2 },
			{ key: 'business', label: 'Businesses', count: 1 },
			{ key: 'enterprise', label: 'Enterprise', count: 1 },
			{ key: UNKNOWN_TYPE_KEY, label: 'Unknown type', count: 1 },
		]);
		assert.deepEqual(store.groupContacts('type', 'user').map((c) => c.contact_id), ['3@c.us', '5@c.us']);
	});

	it('puts a contact with two labels in both groups, case-insensitively, unlabeled last', () => {
		const store = new ContactStore();
		store.ingest([
			contact('1', { labels: ['VIP', 'lead'] }),
			contact('2', { labels: ['vip'] }),
			contact('3', { labels: [] }),
		]);
		assert.deepEqual(store.groups('label'), [
			{ key: 'lead', label: 'lead', count: 1 },
			{ key: 'vip', label: 'VIP', count: 2 },
			{ key: UNLABELED_KEY, label: 'Unlabeled', count: 1 },
		]);
	});

	it('regroups a contact whose labels changed and drops emptied groups', () => {
		const store = new ContactStore();
		store.ingest([contact('1', { labels: ['old'] })]);
		store.ingest([contact('1', { labels: ['new'] })]);
		assert.deepEqual(store.groups('label').map((g) => g.key), ['new']);
		assert.deepEqual(store.search('old'), []);
		assert.deepEqual(store.search('new').map((c) => c.contact_id), ['1@c.us']);
	});

	it('re-indexes a renamed contact: the old name no longer finds it', () => {
		const store = new ContactStore();
		store.ingest([contact('1', { contact_name: 'Old Name' })]);
		store.ingest([contact('1', { contact_name: 'New Name' })]);
		assert.deepEqual(store.search('old'), []);
		assert.deepEqual(store.search('new').map((c) => c.contact_id), ['1@c.us']);
		assert.equal(store.search('name').length, 1, 'one entry, not two');
	});

	it('re-indexes a contact renamed after the index was built', () => {
		const store = new ContactStore();
		store.ingest([contact('1', { contact_name: 'Old Name' }), contact('2', { contact_name: 'Other' })]);
		assert.deepEqual(store.search('old').map((c) => c.contact_id), ['1@c.us'], 'builds the index');
		store.ingest([contact('1', { contact_name: 'New Name', labels: ['vip'] })]);
		assert.deepEqual(store.search('old'), []);
		assert.deepEqual(store.search('vip').map((c) => c.contact_name), ['New Name']);
		assert.equal(store.search('name').length, 1, 'one entry, not two');
	});

	it('shares label lists without mixing up a label that holds the separator', () => {
		const store = new ContactStore();
		store.ingest([contact('1', { labels: ['a', 'b'] }), contact('2', { labels: ['a\u0000b'] }), contact('3', { labels: ['a', 'b'] })]);
		assert.deepEqual(store.get('2@c.us')?.labels, ['a\u0000b']);
		assert.equal(store.get('1@c.us')?.labels, store.get('3@c.us')?.labels, 'one shared array');
		assert.deepEqual(store.groups('label').map((g) => [g.key, g.count]), [['a', 2], ['a\u0000b', 1], ['b', 2]]);
	});

	it('keeps a compact list row: no avatar URL or label ids, shared strings, unknown fields kept', () => {
		const store = new ContactStore();
		store.ingest([
			contact('1', { contact_image: 'https://example.com/a.jpg', label_ids: { 'label-x': true }, labels: ['vip'], extra_field: 1 }),
			contact('2', { labels: ['vip'] }),
		]);
		const [a, b] = [store.get('1@c.us')!, store.get('2@c.us')!];
		assert.equal(a.contact_image, null, 'the detail read brings the avatar');
		assert.equal(a.label_ids, null);
		assert.equal(a.extra_field, 1, 'unknown fields pass through');
		assert.equal(a.contact_type, 'user');
		assert.equal(a.labels[0], b.labels[0]);
	});

	it('slices a group for "show more"', () => {
		const store = new ContactStore();
		store.ingest(Array.from({ length: 10 }, (_, i) => contact(String(100 + i))));
		assert.deepEqual(store.groupContacts('type', 'user', 8).map((c) => c.contact_id), ['108@c.us', '109@c.us']);
		assert.equal(store.groupSize('type', 'user'), 10);
	});

	it('reports the total, never below what is loaded', () => {
		const store = new ContactStore();
		assert.equal(store.total, undefined);
		store.total = 5;
		store.ingest([contact('1')]);
		assert.equal(store.total, 5);
		store.total = 0;
		assert.equal(store.total, 1);
	});

	it('keeps a regrouped contact at its load position in its new group', () => {
		const store = new ContactStore();
		store.ingest([contact('1', { labels: ['a'] }), contact('2', { labels: ['b'] }), contact('3', { labels: ['b'] }), contact('4', { labels: ['a'] })]);
		store.ingest([contact('4', { labels: ['b'] }), contact('1', { labels: ['b'], contact_type: 'business' })]);
		assert.deepEqual(store.groupContacts('label', 'b').map((c) => c.contact_id), ['1@c.us', '2@c.us', '3@c.us', '4@c.us']);
		assert.deepEqual(store.groups('label').map((g) => [g.key, g.count]), [['b', 4]]);
		assert.deepEqual(store.groupContacts('type', 'business').map((c) => c.contact_id), ['1@c.us']);
		assert.deepEqual(store.groupContacts('type', 'user').map((c) => c.contact_id), ['2@c.us', '3@c.us', '4@c.us']);
		assert.deepEqual(store.first(10).map((c) => c.contact_id), ['1@c.us', '2@c.us', '3@c.us', '4@c.us'], 'load order unchanged');
	});

	it('removes contacts by id: groups, counts, search and events; unknown ids are ignored', () => {
		const store = new ContactStore();
		const events: StoreChange[] = [];
		store.ingest([contact('1', { contact_name: 'Ann', labels: ['vip'] }), contact('2', { contact_name: 'Bob' }), contact('3', { contact_name: 'Anna', contact_type: 'business' })]);
		assert.equal(store.search('ann').length, 2, 'builds the index');
		store.onDidChange((e) => events.push(e));
		assert.equal(store.remove(['1@c.us', '3@c.us', 'nobody@c.us']), 2);
		assert.equal(store.remove([]), 0);
		assert.equal(store.size, 1);
		assert.equal(store.get('1@c.us'), undefined);
		assert.deepEqual(store.groups('type'), [{ key: 'user', label: 'Users', count: 1 }]);
		assert.deepEqual(store.groups('label'), [{ key: UNLABELED_KEY, label: 'Unlabeled', count: 1 }]);
		assert.deepEqual(store.search('ann'), []);
		assert.deepEqual(store.first(5).map((c) => c.contact_id), ['2@c.us']);
		assert.deepEqual(events, [{ added: 0, updated: 0, unchanged: 0, cleared: false, removed: 2, fresh: 0 }]);
		// Back again: a new contact, loaded last.
		store.ingest([contact('1', { contact_name: 'Ann' })]);
		assert.deepEqual(store.first(5).map((c) => c.contact_id), ['2@c.us', '1@c.us']);
		assert.deepEqual(store.search('ann').map((c) => c.contact_id), ['1@c.us']);
	});

	it('renumbers its rows once removals leave more holes than contacts, keeping order, groups and search', () => {
		const store = new ContactStore({ compactHoles: 4 });
		store.ingest(Array.from({ length: 30 }, (_, i) => contact(String(1000 + i), { contact_name: `Name ${i}`, labels: i % 2 ? ['odd'] : [] })));
		store.search('name');
		store.remove(Array.from({ length: 20 }, (_, i) => `${1000 + i}@c.us`));
		store.ingest([contact('2000', { contact_name: 'Name new', labels: ['odd'] })]);
		const expected = [...Array.from({ length: 10 }, (_, i) => `${1020 + i}@c.us`), '2000@c.us'];
		assert.deepEqual(store.first(100).map((c) => c.contact_id), expected);
		assert.deepEqual(store.search('name', 100).map((c) => c.contact_id), expected);
		assert.deepEqual(store.groupContacts('label', 'odd').map((c) => c.contact_id), expected.filter((_, i) => i % 2 || i === 10));
		assert.deepEqual(store.search('29').map((c) => c.contact_id), ['1029@c.us']);
	});

	it('fires change events on ingest and clear, not on an empty batch', () => {
		const store = new ContactStore();
		const events: StoreChange[] = [];
		store.onDidChange((e) => events.push(e));
		store.ingest([]);
		store.ingest([contact('1')]);
		store.clear();
		assert.deepEqual(events, [
			{ added: 1, updated: 0, unchanged: 0, cleared: false, fresh: 1 },
			{ added: 0, updated: 0, unchanged: 0, cleared: true, fresh: 0 },
		]);
		assert.equal(store.size, 0);
		assert.deepEqual(store.groups('type'), []);
		assert.deepEqual(store.search('1'), []);
	});
});
