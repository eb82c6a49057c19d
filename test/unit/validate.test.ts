import assert from 'node:assert/strict';
import { normaliseContact, parseContact, parseContactPage, ShapeError } from '../../src/api/validate';

describe('response validation', () => {
	it('keeps a well-formed page as is, unknown fields included', () => {
		const raw = { contact_id: '1@c.us', contact_name: 'A', labels: ['x'], verified_name: 'Acme', business_profile: { a: 1 } };
		const page = parseContactPage({ contacts: [raw], count: 1, from: 1, to: 1 });
		assert.equal(page.contacts[0].verified_name, 'Acme');
		assert.deepEqual(page.contacts[0].business_profile, { a: 1 });
		assert.deepEqual([page.count, page.from, page.to, page.malformed], [1, 1, 1, 0]);
	});

	it('turns wrongly typed fields into null or [] instead of failing', () => {
		const c = normaliseContact({ contact_id: '1@c.us', contact_name: 42, labels: 'vip', is_internal: 'yes', label_ids: [], contact_color: {} })!;
		assert.equal(c.contact_name, null);
		assert.deepEqual(c.labels, []);
		assert.equal(c.is_internal, null);
		assert.equal(c.label_ids, null);
		assert.equal(c.contact_color, null);
		assert.equal(c.contact_type, null);
		const mixed = normaliseContact({ contact_id: '2@c.us', labels: ['a', null, 3, '', 'b'] })!;
		assert.deepEqual(mixed.labels, ['a', 'b']);
	});

	it('drops and counts rows without a usable id', () => {
		const page = parseContactPage({ contacts: [{ contact_id: '1@c.us' }, { contact_id: '' }, null, 'x', { name: 'no id' }], count: 5 });
		assert.equal(page.contacts.length, 1);
		assert.equal(page.malformed, 4);
	});

	it('rejects a body that is not a page', () => {
		for (const body of [null, [], 'x', { data: [] }, { contacts: {} }]) {
			assert.throws(() => parseContactPage(body), ShapeError);
		}
	});

	it('tolerates a page without count', () => {
		assert.equal(parseContactPage({ contacts: [] }).count, -1);
	});

	it('gives a single contact an array of chat ids', () => {
		assert.deepEqual(parseContact({ contact_id: '1@c.us' }).chat_ids, []);
		assert.deepEqual(parseContact({ contact_id: '1@c.us', chat_ids: ['1@c.us', 'g@g.us'] }).chat_ids, ['1@c.us', 'g@g.us']);
		assert.throws(() => parseContact({ contact_name: 'x' }), ShapeError);
	});
});
