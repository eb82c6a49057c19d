import assert from 'node:assert/strict';
import { ContactStore } from '../../src/contacts/store';
import { contact } from './fixtures';
import { FakeScheduler } from './fakeScheduler';

function storeWith() {
	const store = new ContactStore();
	store.ingest([
		contact('919537851844', { contact_name: 'Bk', labels: ['label1', 'label2'] }),
		contact('919289665999', { contact_name: 'Periskope Sales', contact_type: 'business' }),
		contact('6282123235653', { contact_name: 'Periskope Indonesia' }),
		contact('447403688342', { contact_name: 'Sales team Periskope' }),
		contact('918527184400', { contact_name: 'José Müller', labels: ['VIP'] }),
		contact('919319622936', { contact_name: null }),
		contact('79161234567', { contact_name: 'Иван Петров' }),
		contact('12025550123', { contact_name: '<img src=x onerror=alert(1)>' }),
	]);
	return store;
}
const ids = (cs: { contact_id: string }[]) => cs.map((c) => c.contact_id.replace('@c.us', ''));

describe('contact search', () => {
	it('ranks name prefix, then word prefix, then infix', () => {
		assert.deepEqual(ids(storeWith().search('sales')), ['447403688342', '919289665999']);
		assert.deepEqual(ids(storeWith().search('peri')), ['919289665999', '6282123235653', '447403688342']);
		assert.deepEqual(ids(storeWith().search('risk')), ['919289665999', '6282123235653', '447403688342']);
	});

	it("ranks a contact by its best match, not its first", () => {
		const store = new ContactStore();
		store.ingest([
			contact('911111111111', { contact_name: 'Joanna' }), // infix only
			contact('912222222222', { contact_name: 'Hannah Anna' }), // infix first, then a word start
			contact('913333333333', { contact_name: 'Anna Lee' }), // name start
			contact('914444444444', { contact_name: 'Team', labels: ['annapurna'] }), // label start
		]);
		assert.deepEqual(ids(store.search('anna')), ['913333333333', '912222222222', '914444444444', '911111111111']);
	});

	it('keeps rank order when the limit cuts the list', () => {
		const store = new ContactStore();
		// 30 infix matches load first, then 3 name starts: the name starts still come first.
		store.ingest(Array.from({ length: 30 }, (_, i) => contact(`9150000000${String(i).padStart(2, '0')}`, { contact_name: `Joanna ${i}` })));
		store.ingest(['Anna A', 'Anna B', 'Anna C'].map((name, i) => contact(`91600000000${i}`, { contact_name: name })));
		const top = store.search('anna', 5).map((c) => c.contact_name);
		assert.deepEqual(top, ['Anna A', 'Anna B', 'Anna C', 'Joanna 0', 'Joanna 1']);
	});

	it('finds by number fragment, ignoring +, spaces and dashes', () => {
		assert.deepEqual(ids(storeWith().search('+91 95378')), ['919537851844']);
		assert.deepEqual(ids(storeWith().search('1962-29')), ['919319622936']);
		assert.deepEqual(ids(storeWith().search('22936')), ['919319622936']);
	});

	it('finds by label, case-insensitively', () => {
		assert.deepEqual(ids(storeWith().search('vip')), ['918527184400']);
		assert.deepEqual(ids(storeWith().search('LABEL2')), ['919537851844']);
	});

	it('folds case and accents, and handles other scripts', () => {
		assert.deepEqual(ids(storeWith().search('jose mul')), ['918527184400']);
		assert.deepEqual(ids(storeWith().search('петр')), ['79161234567']);
	});

	it('treats markup in names as plain text', () => {
		assert.deepEqual(ids(storeWith().search('<img')), ['12025550123']);
		assert.deepEqual(ids(storeWith().search('onerror')), ['12025550123']);
	});

	it('respects the limit and returns nothing for a blank query', () => {
		assert.equal(storeWith().search('9', 2).length, 2);
		assert.deepEqual(storeWith().search('   '), []);
		assert.deepEqual(storeWith().search('zzzz'), []);
	});

	it('does not let a query match across two contacts', () => {
		// "bk" ends one entry and "9192" starts the next entry's number; no match may span them.
		assert.deepEqual(ids(storeWith().search('bk\t9192')), []);
		assert.deepEqual(storeWith().search('label2 919'), []);
	});

	it('matches names longer than the sorted key (64 characters) in full', () => {
		const long = `${'word '.repeat(20)}tail`;
		const store = new ContactStore();
		store.ingest([contact('911111111111', { contact_name: long }), contact('912222222222', { contact_name: `${'word '.repeat(20)}other` })]);
		assert.deepEqual(ids(store.search(long)), ['911111111111']);
		assert.deepEqual(ids(store.search(`${'word '.repeat(15)}tail`)), ['911111111111'], 'a word start, past the key');
		assert.deepEqual(ids(store.search('word word')), ['911111111111', '912222222222']);
	});

	it('indexes a segment over 64K characters (wider offsets)', () => {
		const store = new ContactStore();
		const huge = 'Abcdefghij '.repeat(7000);
		store.ingest([contact('911111111111', { contact_name: 'First' }), contact('912222222222', { contact_name: huge + 'Needle' }), contact('913333333333', { contact_name: 'Needle Last' })]);
		assert.deepEqual(ids(store.search('needle')), ['913333333333', '912222222222']);
		assert.deepEqual(ids(store.search('13333')), ['913333333333']);
		assert.deepEqual(ids(store.search('first')), ['911111111111']);
		assert.equal(store.search('abcdefghij abc', 5).length, 1);
	});

	it('answers completely before the background has indexed anything', () => {
		const scheduler = new FakeScheduler();
		const store = new ContactStore({ scheduler });
		store.ingest([contact('911111111111', { contact_name: 'Anna' }), contact('912222222222', { contact_name: 'Hannah Anna' })]);
		store.prepareSearch();
		assert.equal(store.indexStats.pending, 2, 'prepareSearch only schedules');
		assert.ok(scheduler.queued > 0);
		assert.deepEqual(ids(store.search('anna')), ['911111111111', '912222222222']);
		store.ingest([contact('912222222222', { contact_name: 'Bob' }), contact('913333333333', { contact_name: 'Annabel' })]);
		assert.deepEqual(ids(store.search('anna')), ['911111111111', '913333333333']);
		assert.equal(store.indexStats.pending, 0, 'search made them searchable');
		assert.ok(store.indexStats.unsorted > 0 && scheduler.queued > 0, 'and left their sorting to a slice');
		scheduler.run();
		assert.deepEqual([store.indexStats.pending, store.indexStats.unsorted], [0, 0]);
		assert.deepEqual(ids(store.search('anna')), ['911111111111', '913333333333']);
		store.dispose();
	});

	it('sorts in the background what a search made searchable', () => {
		const scheduler = new FakeScheduler();
		const store = new ContactStore({ scheduler });
		store.ingest([contact('911111111111', { contact_name: 'Anna' })]);
		scheduler.run();
		assert.equal(store.indexStats.pending, 1, 'a partial range waits for a search');
		assert.equal(scheduler.queued, 0);
		assert.deepEqual(ids(store.search('ann')), ['911111111111']);
		assert.equal(store.indexStats.unsorted, 1, 'searchable, swept until sorted');
		assert.equal(scheduler.queued, 1, 'a slice will sort it');
		scheduler.run();
		assert.equal(store.indexStats.unsorted, 0);
		assert.deepEqual(ids(store.search('ann')), ['911111111111']);
		store.dispose();
	});
});
