import assert from 'node:assert/strict';
import { PeriskopeApiError } from '../../src/api/errors';
import type { Contact } from '../../src/api/types';
import { completionQuery, contactSuggestions } from '../../src/contacts/idCompletion';
import { ContactLookup } from '../../src/contacts/idLookup';
import { idAt, scanIds } from '../../src/contacts/idScanner';
import { commandLink, contactHoverMarkdown, escapeMarkdown } from '../../src/contacts/hoverText';
import { ContactStore } from '../../src/contacts/store';
import { isKeyValueDocument, stringStartAt } from '../../src/contacts/stringContext';
import { contact } from './fixtures';

const known = new Set(['919537851844@c.us', '447700900123@c.us']);
const isKnown = (id: string) => known.has(id);

describe('Contact ids in code: the scanner', () => {
	it('finds @c.us and @g.us ids anywhere, with their offsets', () => {
		const text = 'send(919537851844@c.us) // to 120363025246125486@g.us, and 919537851844-1596543210@g.us.';
		assert.deepEqual(
			scanIds(text).map((m) => [text.slice(m.start, m.end), m.contactId, m.kind]),
			[
				['919537851844@c.us', '919537851844@c.us', 'contact'],
				['120363025246125486@g.us', '120363025246125486@g.us', 'group'],
				['919537851844-1596543210@g.us', '919537851844-1596543210@g.us', 'group'],
			],
		);
	});

	it('does not take a piece of a longer token', () => {
		assert.deepEqual(scanIds('x919537851844@c.us 1.919537851844@c.us 919537851844@c.usa 919537851844@c.us@x'), []);
	});

	it('takes bare numbers only inside strings, and only known ones', () => {
		const text = [
			'const admin = "919537851844";', // in a string, known
			'const n = 919537851844;', // not in a string
			"const other = '919537851845';", // in a string, unknown
			'const intl = "+447700900123";', // with a plus
			'// "919537851844"', // a string in a comment is still a string
			'const long = "9195378518441";', // longer run: not that number
		].join('\n');
		const found = scanIds(text, { isKnown });
		assert.deepEqual(
			found.map((m) => [m.contactId, m.kind, text.slice(m.start, m.end)]),
			[
				['919537851844@c.us', 'bare', '919537851844'],
				['447700900123@c.us', 'bare', '447700900123'],
				['919537851844@c.us', 'bare', '919537851844'],
			],
		);
		assert.deepEqual(scanIds(text), [], 'without a known-contact check, no bare number is an id');
	});

	it('takes unquoted values in key=value files', () => {
		const env = 'ADMIN_NUMBER=919537851844\n# 919537851844\nexport SUPPORT=447700900123';
		assert.deepEqual(scanIds(env, { isKnown }).map((m) => m.contactId), []);
		assert.deepEqual(scanIds(env, { isKnown, keyValue: true }).map((m) => m.contactId), ['919537851844@c.us', '447700900123@c.us']);
		assert.ok(isKeyValueDocument('plaintext', '/w/.env.local'));
		assert.ok(isKeyValueDocument('yaml', '/w/config.yml'));
		assert.ok(!isKeyValueDocument('typescript', '/w/a.ts'));
	});

	it('finds the id under the cursor, touching it from either side', () => {
		const line = 'call("919537851844@c.us", 919537851844)';
		assert.equal(idAt(line, 6)?.contactId, '919537851844@c.us');
		assert.equal(idAt(line, 23)?.contactId, '919537851844@c.us');
		assert.equal(idAt(line, 27, { isKnown }), undefined, 'a bare number outside a string');
		assert.equal(idAt(line, 3), undefined);
		const minified = `${'x'.repeat(5000)} "a":"120363025246125486@g.us" ${'y'.repeat(5000)}`;
		assert.equal(idAt(minified, 5010)?.contactId, '120363025246125486@g.us');
		assert.equal(idAt(minified, 100), undefined);
	});
});

describe('Contact ids in code: where strings are', () => {
	it('knows the string around a cursor, escapes included', () => {
		assert.equal(stringStartAt('f("ada")', 5, false), 3);
		assert.equal(stringStartAt('f("ada")', 1, false), -1);
		assert.equal(stringStartAt('f("a\\"da', 8, false), 3, 'an escaped quote does not end it; unterminated runs on');
		assert.equal(stringStartAt("f('x', `ad", 10, false), 8);
		assert.equal(stringStartAt('f("x") + ad', 11, false), -1);
		assert.equal(stringStartAt('KEY=ad', 6, true), 4);
		assert.equal(stringStartAt('key: ad', 7, true), 5);
		assert.equal(stringStartAt('KEY=ad', 2, true), -1);
		assert.equal(stringStartAt('# KEY=ad', 8, true), -1);
	});
});

describe('Contact ids in code: the hover text', () => {
	const commands = { open: 'periskope.openContact', reveal: 'periskope.revealContact', copy: 'periskope.copyContactId' };

	it('escapes every server string so nothing renders as a link, HTML or emphasis', () => {
		const hostile = contact('919537851844', {
			contact_name: '[click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> **b** https://evil.example &amp;',
			labels: ['[x](https://evil.example)', '<b>vip</b>'],
			contact_type: '*user*',
		});
		const md = contactHoverMarkdown(hostile, '919537851844@c.us', commands, true);
		// Our three links are the only `](` left unescaped.
		const links = [...md.matchAll(/(?<!\\)\]\((\S+)/g)].map((m) => m[1]);
		assert.deepEqual(
			links.map((l) => l.split('?')[0]),
			['command:periskope.openContact', 'command:periskope.revealContact', 'command:periskope.copyContactId'],
		);
		assert.ok(!/(?<!\\)</.test(md), 'no unescaped <');
		assert.ok(!/(?<!\\)&/.test(md), 'no unescaped &');
		assert.ok(md.includes('\\[click\\]\\(command\\:workbench\\.action\\.terminal\\.new\\)'));
	});

	it('shows name, number, type, labels and flags, and leaves out Reveal for a contact not in the view', () => {
		const ada = contact('919537851844', { contact_name: 'Ada Lovelace', labels: ['vip', 'customer'], is_my_contact: true });
		const md = contactHoverMarkdown(ada, '919537851844@c.us', commands, false);
		assert.match(md, /\*\*Ada Lovelace\*\* · User/);
		assert.match(md, /\+91 95378 51844/);
		assert.ok(md.includes('Labels: vip\\, customer'), md);
		assert.match(md, /In my contacts/);
		assert.ok(!md.includes('revealContact'));
		assert.equal(commandLink('periskope.openContact', ['1@c.us']), 'command:periskope.openContact?%5B%221%40c.us%22%5D');
		assert.equal(escapeMarkdown('a_b'), 'a\\_b');
	});
});

describe('Contact ids in code: completion', () => {
	it('needs two typed characters and answers from the search index in the id format', () => {
		assert.equal(completionQuery('a'), undefined);
		assert.equal(completionQuery('  a'), undefined);
		assert.equal(completionQuery('ad'), 'ad');
		assert.equal(completionQuery('x'.repeat(61)), undefined);
		const store = new ContactStore();
		store.ingest([
			contact('919537851844', { contact_name: 'Ada Lovelace', labels: ['vip'] }),
			contact('120363025246125486@g.us', { contact_name: 'Adapters Team', contact_type: null }),
			contact('447700900123', { contact_name: 'Bob' }),
		]);
		const search = (q: string, n: number) => store.search(q, n);
		const full = contactSuggestions(search, 'ada', 'full');
		assert.deepEqual(
			full.map((s) => [s.label, s.insertText, s.sortText]),
			[
				['Ada Lovelace', '919537851844@c.us', '0000'],
				['Adapters Team', '120363025246125486@g.us', '0001'],
			],
		);
		assert.equal(full[0].detail, '919537851844@c.us · vip');
		assert.equal(full[0].description, '+91 95378 51844');
		assert.equal(full[1].description, 'Group');
		assert.deepEqual(contactSuggestions(search, 'ada', 'number').map((s) => s.insertText), ['919537851844', '120363025246125486']);
		assert.deepEqual(contactSuggestions(search, '4477', 'full').map((s) => s.label), ['Bob']);
		assert.equal(contactSuggestions(search, 'a', 'full', 1).length, 1);
		store.ingest([contact('447700900555', { labels: ['vip'] })]);
		const unnamed = contactSuggestions(search, '447700900555', 'full')[0];
		assert.deepEqual([unnamed.label, unnamed.description], ['+44 77009 00555', 'User']);
	});
});

describe('Contact ids in code: looking up an unknown id', () => {
	function setup(answer: (id: string, signal: AbortSignal) => Promise<Contact>) {
		const calls: string[] = [];
		let clock = 0;
		const failures: string[] = [];
		const lookup = new ContactLookup({
			fetch: (id, signal) => {
				calls.push(id);
				return answer(id, signal);
			},
			isNotFound: (e) => e instanceof PeriskopeApiError && e.kind === 'notFound',
			onFailure: (id) => failures.push(id),
			now: () => clock,
			failureTtlMs: 1000,
		});
		return { lookup, calls, failures, tick: (ms: number) => (clock += ms) };
	}
	const notFound = () => Promise.reject(new PeriskopeApiError('notFound', 'Contact not found', { status: 404 }));

	it('coalesces concurrent lookups into one read and keeps the answer', async () => {
		let release!: (c: Contact) => void;
		const { lookup, calls } = setup(() => new Promise((resolve) => (release = resolve)));
		const a = lookup.lookup('1@c.us');
		const b = lookup.lookup('1@c.us');
		await Promise.resolve();
		await Promise.resolve();
		release(contact('1', { contact_name: 'One' }));
		assert.equal((await a)?.contact_name, 'One');
		assert.equal((await b)?.contact_name, 'One');
		assert.equal((await lookup.lookup('1@c.us'))?.contact_name, 'One');
		assert.deepEqual(calls, ['1@c.us']);
	});

	it('keeps "not found" for the session, and a failure for a while', async () => {
		const { lookup, calls, failures, tick } = setup((id) => (id === '2@c.us' ? notFound() : Promise.reject(new PeriskopeApiError('server', 'boom', { status: 503 }))));
		for (let i = 0; i < 3; i++) assert.equal(await lookup.lookup('2@c.us'), undefined);
		assert.equal(await lookup.lookup('3@c.us'), undefined);
		assert.equal(await lookup.lookup('3@c.us'), undefined);
		assert.deepEqual(calls, ['2@c.us', '3@c.us']);
		assert.deepEqual(failures, ['3@c.us']);
		tick(1001);
		assert.equal(await lookup.lookup('2@c.us'), undefined);
		assert.equal(await lookup.lookup('3@c.us'), undefined);
		assert.deepEqual(calls, ['2@c.us', '3@c.us', '3@c.us'], 'only the failure is asked again');
	});

	it('stops the read when every hover waiting for it is cancelled, and asks again next time', async () => {
		let aborted = 0;
		const { lookup, calls } = setup(
			(_id, signal) =>
				new Promise((_resolve, reject) =>
					signal.addEventListener('abort', () => {
						aborted++;
						reject(new PeriskopeApiError('cancelled', 'cancelled'));
					}),
				),
		);
		const one = new AbortController();
		const two = new AbortController();
		const a = lookup.lookup('4@c.us', one.signal);
		const b = lookup.lookup('4@c.us', two.signal);
		await Promise.resolve();
		await Promise.resolve();
		one.abort();
		await assert.rejects(a);
		assert.equal(aborted, 0, 'one hover still waits');
		two.abort();
		await assert.rejects(b);
		assert.equal(aborted, 1);
		await new Promise((r) => setImmediate(r));
		assert.equal(lookup.pending, 0);
		assert.equal(lookup.cached('4@c.us'), undefined, 'a cancelled read teaches nothing');
		void lookup.lookup('4@c.us').catch(() => undefined);
		await Promise.resolve();
		await Promise.resolve();
		assert.equal(calls.length, 2);
		lookup.clear();
	});
});
