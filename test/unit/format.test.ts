import assert from 'node:assert/strict';
import { bareNumber, cleanText, clip, countSummary, displayName, formatContactId, formatNumber, ROW_NAME_MAX, rowLabel, TAB_TITLE_MAX, typeLabel, whatsAppUrl } from '../../src/contacts/format';
import { groupLabel } from '../../src/contacts/grouping';

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

describe('one way to show a contact', () => {
	it('removes bidi embedding, override and isolate controls so a name cannot disguise itself', () => {
		const name = 'Dr \u202eevil\u202c Smith';
		assert.equal(cleanText(name), 'Dr evil Smith');
		assert.equal(displayName({ contact_id: '1@c.us', contact_name: '\u2066\u202e\u2069' }), '1', 'nothing left: the number stands in');
		assert.equal(cleanText('a\nb\u0000c'), 'a b c');
	});

	it('clips long names in rows by code point, with an ellipsis, and leaves short ones alone', () => {
		const long = 'A'.repeat(10_000);
		const row = rowLabel({ contact_id: '1@c.us', contact_name: long });
		assert.equal(Array.from(row).length, ROW_NAME_MAX);
		assert.ok(row.endsWith('…'));
		assert.equal(clip('😀'.repeat(60), TAB_TITLE_MAX).endsWith('…'), true);
		assert.ok(!/[\ud800-\udbff]…$/.test(clip('😀'.repeat(60), 10)), 'no half surrogate pair before the ellipsis');
		assert.equal(clip('short', 10), 'short');
	});

	it('labels a type the same way in the tree, the panel and the search', () => {
		assert.equal(typeLabel('user'), 'User');
		assert.equal(typeLabel('BUSINESS'), 'Business');
		assert.equal(typeLabel('enterprise'), 'Enterprise');
		assert.equal(typeLabel(null), 'Unknown');
		assert.equal(typeLabel(null, true), 'Group');
		assert.equal(groupLabel('enterprise', 'type', 'enterprise'), typeLabel('enterprise'));
	});

	it('counts contacts for the view: final, partial, or unknown total', () => {
		assert.equal(countSummary(1234, 1234, true), '1,234 contacts');
		assert.equal(countSummary(1, 1, true), '1 contact');
		assert.equal(countSummary(400, 1241, false), '400 of ~1,241');
		assert.equal(countSummary(400, undefined, false), '400 loaded');
	});
});
