// The tree's filter: text (through the search index), labels and types, combined; counts per group.
import assert from 'node:assert/strict';
import { describeFilter, FilteredContacts, filterSummary, isFilterActive, matchesFilter, parseFilter, partialFilterNote, textMatches } from '../../src/contacts/filter';
import { UNKNOWN_TYPE_KEY, UNLABELED_KEY } from '../../src/contacts/grouping';
import { ContactStore } from '../../src/contacts/store';
import { generateContacts } from '../double/generator';
import { contact } from './fixtures';

function store() {
	const s = new ContactStore();
	s.ingest([
		contact('1001', { contact_name: 'Anna Müller', labels: ['VIP', 'lead'] }),
		contact('1002', { contact_name: 'Bob Stone', labels: ['lead'], contact_type: 'business' }),
		contact('1003', { contact_name: 'Carla Müller', labels: [] }),
		contact('1004', { contact_name: 'Dev Team', contact_type: null, labels: ['vip'] }),
		contact('5550001', { contact_name: null, labels: ['support'] }),
	]);
	return s;
}
const ids = (cs: { contact_id: string }[]) => cs.map((c) => c.contact_id.replace('@c.us', ''));

describe('Contact filter', () => {
	it('matches text over name, number and label through the search index, accents folded', () => {
		const s = store();
		assert.deepEqual(ids([...textMatches(s, 'muller')!]).sort(), ['1001', '1003']);
		assert.deepEqual(ids([...textMatches(s, '555 0001')!]), ['5550001']);
		assert.deepEqual(ids([...textMatches(s, 'suppo')!]), ['5550001']);
		assert.equal(textMatches(s, '  '), undefined);
	});

	it('store.matching finds exactly what an unlimited search finds, in load order, after edits and removals too', () => {
		const s = new ContactStore({ tuning: { rangeRows: 64 } });
		s.ingest(generateContacts(3000, { seed: 5 }));
		s.applyFields(s.first(1)[0].contact_id, { contact_name: 'Zed Quark', labels: ['odd one'] });
		s.remove(s.first(40).slice(20).map((c) => c.contact_id));
		const order = new Map(s.first(s.size).map((c, i) => [c, i]));
		for (const q of ['ma', 'vip', '91', '+91 9', 'quark', 'odd o', 'e', 'zzzz', 'Müll']) {
			const found = s.matching(q);
			assert.deepEqual(new Set(found), new Set(s.search(q, 1e6)), q);
			assert.deepEqual(found.map((c) => order.get(c)), [...found.map((c) => order.get(c)!)].sort((a, b) => a - b), `${q}: load order`);
		}
		assert.deepEqual(s.matching('   '), []);
	});

	it('labels (any of them, case-insensitive), types (any), and text combine', () => {
		const s = store();
		const all = s.first(10);
		const pass = (f: Parameters<typeof matchesFilter>[1]) => ids(all.filter((c) => matchesFilter(c, f, textMatches(s, f.text))));
		assert.deepEqual(pass({ text: '', labels: ['vip'], types: [] }), ['1001', '1004']);
		assert.deepEqual(pass({ text: '', labels: ['vip', 'support'], types: [] }), ['1001', '1004', '5550001']);
		assert.deepEqual(pass({ text: '', labels: [UNLABELED_KEY], types: [] }), ['1003']);
		assert.deepEqual(pass({ text: '', labels: [], types: ['business', UNKNOWN_TYPE_KEY] }), ['1002', '1004']);
		assert.deepEqual(pass({ text: 'müller', labels: ['lead'], types: ['user'] }), ['1001']);
		assert.deepEqual(pass({ text: 'müller', labels: ['support'], types: [] }), []);
	});

	it('groups the matches with filtered counts, empty groups hidden, load order kept', () => {
		const s = store();
		const byLabel = new FilteredContacts(s, { text: '', labels: ['vip', 'lead'], types: [] }, 'label');
		assert.equal(byLabel.matches, 3, 'distinct contacts, not memberships');
		assert.equal(byLabel.loaded, 5);
		assert.deepEqual(byLabel.groups().map((g) => [g.key, g.label, g.count]), [['lead', 'lead', 2], ['vip', 'VIP', 2]]);
		assert.deepEqual(ids(byLabel.groupContacts('vip')), ['1001', '1004']);
		assert.deepEqual(ids(byLabel.groupContacts('lead', 1)), ['1002']);
		const byType = new FilteredContacts(s, { text: 'müller', labels: [], types: [] }, 'type');
		assert.deepEqual(byType.groups().map((g) => [g.key, g.count]), [['user', 2]]);
		assert.equal(byType.groupSize('business'), 0);
		const none = new FilteredContacts(s, { text: 'zzz', labels: [], types: [] }, 'type');
		assert.equal(none.matches, 0);
		assert.deepEqual(none.groups(), []);
	});

	it('follows the store: an edited contact moves in or out of the result', () => {
		const s = store();
		s.applyFields('1003@c.us', { labels: ['vip'] });
		assert.deepEqual(ids(new FilteredContacts(s, { text: 'vip', labels: [], types: [] }, 'label').groupContacts('vip')), ['1001', '1003', '1004']);
	});

	it('says what the filter shows: of the org total in the description, of the loaded in the tree', () => {
		assert.equal(filterSummary('vip', 312, 20_000, 20_000), 'filter: vip · 312 of 20,000');
		assert.equal(filterSummary('vip', 312, 4_000, 20_000), 'filter: vip · 312 of 20,000');
		assert.equal(filterSummary('vip', 3, 40, undefined), 'filter: vip · 3 of 40');
		assert.equal(partialFilterNote(312, 4_000), '312 matches in 4,000 loaded — load all');
		assert.equal(partialFilterNote(1, 200), '1 match in 200 loaded — load all');
	});

	it('reads a remembered filter back defensively and describes it', () => {
		assert.equal(parseFilter(undefined), undefined);
		assert.equal(parseFilter({ text: '', labels: [], types: [] }), undefined, 'an empty filter is no filter');
		assert.deepEqual(parseFilter({ text: 'a', labels: ['VIP', 3, 'VIP'], types: 'user' }), { text: 'a', labels: ['vip'], types: [] });
		assert.equal(isFilterActive(parseFilter({ labels: ['x'] })), true);
		const names = { label: (k: string) => k.toUpperCase(), type: (k: string) => `type ${k}` };
		assert.equal(describeFilter({ text: ' Mü\u202ell ', labels: ['vip', 'lead'], types: ['user'] }, names), '"Müll" · VIP, LEAD · type user');
	});
});
