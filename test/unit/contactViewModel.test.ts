import assert from 'node:assert/strict';
import { PeriskopeApiError } from '../../src/api/errors';
import type { Contact } from '../../src/api/types';
import { buildContactViewModel, chatsErrorState, chatsState, DEFAULT_COLOR, initialsOf, mergeContact, placeholderContact, restoredContactId } from '../../src/detailPanel/contactViewModel';
import { isWebviewToExtension } from '../../src/detailPanel/protocol';
import { contact } from './fixtures';

const HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>&amp; "quoted" \'single\'';

/** Every value in the view model is plain data: no functions, no objects other than arrays. */
function assertPlainStrings(value: unknown): void {
	if (Array.isArray(value)) return value.forEach(assertPlainStrings);
	if (value !== null && typeof value === 'object') return Object.values(value).forEach(assertPlainStrings);
	assert.ok(value === null || ['string', 'boolean', 'number'].includes(typeof value), `unexpected ${typeof value}`);
}

describe('contact view model', () => {
	it('shows the name and the formatted number of a named user', () => {
		const vm = buildContactViewModel(contact('919537851844', { contact_name: 'Bk Patel', labels: ['vip'] }));
		assert.equal(vm.contactId, '919537851844@c.us');
		assert.equal(vm.name, 'Bk Patel');
		assert.equal(vm.hasName, true);
		assert.equal(vm.number, '+91 95378 51844');
		assert.equal(vm.type, 'User');
		assert.equal(vm.initials, 'BP');
		assert.equal(vm.color, '#25D366');
		assert.equal(vm.isGroup, false);
		assert.equal(vm.canOpenWhatsApp, true);
		assert.equal(vm.updated, '2025-01-20 11:36 UTC');
		assert.equal(vm.updatedIso, '2025-01-20T11:36:51.793Z');
		assertPlainStrings(vm);
	});

	it('falls back to the formatted number when the name is null or blank', () => {
		for (const name of [null, '', '   ']) {
			const vm = buildContactViewModel(contact('919537851844', { contact_name: name }));
			assert.equal(vm.name, '+91 95378 51844');
			assert.equal(vm.hasName, false);
			assert.equal(vm.initials, '#');
		}
	});

	it('keeps a hostile name verbatim as a string (the page escapes it with textContent)', () => {
		const vm = buildContactViewModel(contact('919537851844', { contact_name: HOSTILE, labels: [HOSTILE] }));
		assert.equal(vm.name, HOSTILE);
		assert.deepEqual(vm.labels, [HOSTILE]);
		assert.equal(vm.initials, 'SO'); // from `src=x` and `onerror=…`: words starting with a letter
		assertPlainStrings(vm);
	});

	it('cleans labels: null, non-strings, blanks and case-insensitive duplicates', () => {
		assert.deepEqual(buildContactViewModel(contact('1', { labels: null as unknown as string[] })).labels, []);
		const vm = buildContactViewModel(contact('1', { labels: [' VIP ', 'vip', 'Lead', '', '  ', 42 as unknown as string, 'lead', 'Paid'] }));
		assert.deepEqual(vm.labels, ['VIP', 'Lead', 'Paid']);
	});

	it('lists the flags that hold, and says so when a contact is not on WhatsApp', () => {
		const all = buildContactViewModel(contact('1', { is_internal: true, is_my_contact: true, is_wa_contact: true, is_imported: true, is_blocked: true }));
		assert.deepEqual(all.flags, ['Internal', 'In my contacts', 'On WhatsApp', 'Imported', 'Blocked']);
		const none = buildContactViewModel(contact('1', { is_internal: false, is_my_contact: null, is_wa_contact: false, is_imported: null }));
		assert.deepEqual(none.flags, ['Not on WhatsApp']);
		const unknown = buildContactViewModel(contact('1', { is_wa_contact: null }));
		assert.deepEqual(unknown.flags, []);
	});

	it('shows known types by name, an unknown type as it is, and no type as Unknown', () => {
		assert.equal(buildContactViewModel(contact('1', { contact_type: 'business' })).type, 'Business');
		assert.equal(buildContactViewModel(contact('1', { contact_type: 'USER' })).type, 'User');
		assert.equal(buildContactViewModel(contact('1', { contact_type: 'channel-v2' })).type, 'Channel-v2', 'capitalised, as the tree shows it');
		assert.equal(buildContactViewModel(contact('1', { contact_type: null })).type, 'Unknown');
	});

	it('treats group ids as groups: no number, no WhatsApp link', () => {
		const vm = buildContactViewModel(contact('120363025246125486@g.us', { contact_name: null, contact_type: null }));
		assert.equal(vm.isGroup, true);
		assert.equal(vm.type, 'Group');
		assert.equal(vm.number, '');
		assert.equal(vm.canOpenWhatsApp, false);
		assert.equal(vm.name, '120363025246125486');
	});

	it('uses a default colour when the colour is null or not a hex colour', () => {
		assert.equal(buildContactViewModel(contact('1', { contact_color: null })).color, DEFAULT_COLOR);
		assert.equal(buildContactViewModel(contact('1', { contact_color: 'red; background:url(x)' })).color, DEFAULT_COLOR);
		assert.equal(buildContactViewModel(contact('1', { contact_color: '#dc2626' })).color, '#DC2626');
	});

	it('keeps only https avatar URLs', () => {
		assert.equal(buildContactViewModel(contact('1', { contact_image: 'https://cdn.example/a.jpg?x=1' })).imageUrl, 'https://cdn.example/a.jpg?x=1');
		for (const bad of ['http://cdn.example/a.jpg', 'javascript:alert(1)', 'data:image/png;base64,AAAA', 'not a url', '', null, 7]) {
			assert.equal(buildContactViewModel(contact('1', { contact_image: bad as string | null })).imageUrl, null, String(bad));
		}
	});

	it('survives a contact with every field missing or of the wrong type', () => {
		const bare = { contact_id: '447403688342@c.us' } as unknown as Contact;
		const vm = buildContactViewModel(bare);
		assert.equal(vm.name, '+44 74036 88342');
		assert.equal(vm.type, 'Unknown');
		assert.equal(vm.color, DEFAULT_COLOR);
		assert.deepEqual(vm.labels, []);
		assert.deepEqual(vm.flags, []);
		assert.equal(vm.updated, null);
		assert.equal(vm.imageUrl, null);

		const odd = { contact_id: null, contact_name: 42, labels: 'a,b', updated_at: 'yesterday-ish' } as unknown as Contact;
		const oddVm = buildContactViewModel(odd);
		assert.equal(oddVm.contactId, '');
		assert.equal(oddVm.name, 'Unnamed contact');
		assert.deepEqual(oddVm.labels, []);
		assert.equal(oddVm.updated, 'yesterday-ish');
		assert.equal(oddVm.updatedIso, null);
		assert.equal(oddVm.canOpenWhatsApp, false);
		assertPlainStrings(oddVm);
	});

	it('makes initials from the first and last word that start with a letter or digit', () => {
		assert.equal(initialsOf('ada lovelace'), 'AL');
		assert.equal(initialsOf('Ada'), 'A');
		assert.equal(initialsOf('Jean - Luc Picard'), 'JP');
		assert.equal(initialsOf('😀 Émile Zola'), 'ÉZ');
		assert.equal(initialsOf('😀'), '😀');
	});
});

describe('contact merge', () => {
	it('lets the detail read win, including nulls, and keeps list fields it lacks', () => {
		const listed = contact('919537851844', { contact_name: 'Old', labels: ['a'], contact_image: 'https://x/a.jpg' });
		const detail = { ...contact('919537851844', { contact_name: 'New', contact_image: null }), chat_ids: ['919537851844@c.us'] } as Contact;
		delete (detail as Partial<Contact>).labels;
		const merged = mergeContact(listed, detail);
		assert.equal(merged.contact_name, 'New');
		assert.equal(merged.contact_image, null);
		assert.deepEqual(merged.labels, ['a']);
		assert.deepEqual(merged.chat_ids, ['919537851844@c.us']);
		assert.equal(mergeContact(listed), listed);
	});
});

describe('restoring the panel after a reload', () => {
	it('takes the contact id from the state the page saved, and nothing else', () => {
		const saved = { show: { type: 'show', contact: { contactId: '919537851844@c.us' }, chats: { state: 'loading' } } };
		assert.equal(restoredContactId(saved), '919537851844@c.us');
		for (const bad of [undefined, null, 'x', {}, { show: {} }, { show: { contact: { contactId: 42 } } }, { show: { contact: { contactId: '' } } }, { show: { contact: { contactId: '../../v1/contacts' } } }, { show: { contact: { contactId: 'a b' } } }, { show: { contact: { contactId: '9'.repeat(201) } } }]) {
			assert.equal(restoredContactId(bad), undefined, JSON.stringify(bad));
		}
	});

	it('shows a contact known only by its id by its number until the detail read arrives', () => {
		const view = buildContactViewModel(placeholderContact('919537851844@c.us'));
		assert.equal(view.name, '+91 95378 51844');
		assert.equal(view.hasName, false);
		assert.deepEqual(view.labels, []);
		assert.equal(view.imageUrl, null);
	});
});

describe('chats state', () => {
	it('splits the 1-1 chat from groups and other ids', () => {
		const state = chatsState('919537851844@c.us', [
			'120363025246125486@g.us',
			'919537851844@c.us',
			'120363025246125487@g.us',
			'120363025246125486@g.us',
			'447403688342@c.us',
			'',
			null,
		]);
		assert.deepEqual(state, {
			state: 'loaded',
			direct: '919537851844@c.us',
			groups: ['120363025246125486@g.us', '120363025246125487@g.us'],
			others: ['447403688342@c.us'],
		});
	});

	it('copes with no chat ids at all', () => {
		assert.deepEqual(chatsState('919537851844@c.us', undefined), { state: 'loaded', direct: null, groups: [], others: [] });
		assert.deepEqual(chatsState('919537851844@c.us', 'nope'), { state: 'loaded', direct: null, groups: [], others: [] });
	});

	it('gives each failure a next step', () => {
		const unauthorized = chatsErrorState(new PeriskopeApiError('unauthorized', 'Periskope refused the API token (401).'));
		assert.equal(unauthorized.message, 'Periskope refused the API token (401).');
		assert.match(unauthorized.nextStep, /API token/);
		assert.deepEqual(unauthorized.actions, ['setToken']);

		const limited = chatsErrorState(new PeriskopeApiError('rateLimited', 'Rate limited.', { retryAfterMs: 2500 }));
		assert.match(limited.nextStep, /Wait 3 s/);
		assert.deepEqual(limited.actions, ['retry']);

		const network = chatsErrorState(new PeriskopeApiError('network', 'Could not reach Periskope.'));
		assert.match(network.nextStep, /connection/);
		assert.ok(network.actions.includes('retry'));

		const other = chatsErrorState(new TypeError('boom'));
		assert.equal(other.message, 'boom');
		assert.ok(other.nextStep.length > 0);
		assert.equal(chatsErrorState('plain string').message, 'plain string');
	});
});

describe('panel protocol', () => {
	it('accepts the page messages and rejects malformed ones', () => {
		assert.ok(isWebviewToExtension({ type: 'ready' }));
		assert.ok(isWebviewToExtension({ type: 'copyId', contactId: '1@c.us' }));
		assert.ok(isWebviewToExtension({ type: 'runAction', action: 'setToken' }));
		assert.equal(isWebviewToExtension({ type: 'rendered', contactId: '1@c.us', text: 'x', injectedElements: 0 }), false, 'the test-only render report is gone');
		assert.ok(!isWebviewToExtension({ type: 'copyId' }));
		assert.ok(!isWebviewToExtension({ type: 'runAction', action: 'rm -rf' }));
		assert.ok(!isWebviewToExtension({ type: 'eval', code: '1' }));
		assert.ok(!isWebviewToExtension(null));
		assert.ok(!isWebviewToExtension('ready'));
	});
});
