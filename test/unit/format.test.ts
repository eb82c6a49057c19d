import assert from 'node:assert/strict';
import { bareNumber, displayName, formatContactId, formatNumber, rowLabel, whatsAppUrl } from '../../src/contacts/format';

describe('contact formatting', () => {
	it('shows the name, or the formatted number when the name is null or blank', () => {
		assert.equal(displayName({ contact_id: '919537851844@c.us', contact_name: 'Bk' }), 'Bk');
		assert.equal(displayName({ contact_id: '919537851844@c.us', contact_name: null }), '+91 95378 51844');
		assert.equal(displayName({ contact_id: '919537851844@c.us', contact_name: '   ' }), '+91 95378 51844');
	});

	it('formats numbers by country code length', () => {
		assert.equal(formatNumber('12025550123@c.us'), '+1 20255 50123');
		assert.equal(formatNumber('447403688342@c.us'), '+44 74036 88342');
		assert.equal(formatNumber('6282123235653@c.us'), '+62 821232 35653');
		assert.equal(formatNumber('not-a-number@g.us'), 'not-a-number');
	});

	it('formats ids for code in either format', () => {
		assert.equal(bareNumber('919537851844@c.us'), '919537851844');
		assert.equal(formatContactId('919537851844@c.us', 'full'), '919537851844@c.us');
		assert.equal(formatContactId('919537851844@c.us', 'number'), '919537851844');
	});

	it('links people, not groups, to wa.me', () => {
		assert.equal(whatsAppUrl('919537851844@c.us'), 'https://wa.me/919537851844');
		assert.equal(whatsAppUrl('120363025246125486@g.us'), undefined);
	});

	it('ends a right-to-left name with a left-to-right mark so the number after it keeps its order', () => {
		assert.equal(rowLabel({ contact_id: '5583778428196@c.us', contact_name: 'عائشة حداد' }), 'عائشة حداد\u200e');
		assert.equal(rowLabel({ contact_id: '972501234567@c.us', contact_name: 'דנה כהן' }), 'דנה כהן\u200e');
		assert.equal(rowLabel({ contact_id: '919537851844@c.us', contact_name: 'अनीता वर्मा' }), 'अनीता वर्मा', 'Devanagari is left-to-right');
		assert.equal(rowLabel({ contact_id: '919537851844@c.us', contact_name: null }), '+91 95378 51844');
	});
});
