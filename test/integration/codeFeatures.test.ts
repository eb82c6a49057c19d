// Contacts in code, as a user meets them in a real VS Code: hover over an id in a file, Ctrl+click
// it (Open Link), type in a string and accept a suggestion. What shows is read from the
// workbench's DOM; what went over the wire from the API double's request log.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Contact } from '../../src/api/types';
import { displayName, formatNumber } from '../../src/contacts/format';
import { FIXED_IDS } from '../double/generator';
import type { ApiDouble } from '../double/server';
import { setUserSetting, signedInTo, signOutAndReset, startDouble } from './fixture';
import { screenshot, ui, waitFor, type HoverSnapshot } from './helpers';

/** A name that would be a command link, and an image with a script, if the hover rendered it. */
const HOSTILE_LINK_NAME = '[click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)>';
/** In the org, but added after the list was loaded: only a single-contact read finds it. */
const LATE = { id: '447700900999@c.us', name: 'Grace Hopper' };
/** Not in the org at all. */
const UNKNOWN_ID = '919000111222@c.us';

const OUR_LINKS = ['Open details', 'Reveal in Contacts view', 'Copy ID'];

/** Opens a scratch buffer (untitled, so nothing is written to disk) with `content`. */
async function openScratch(content: string, language = 'javascript'): Promise<vscode.TextEditor> {
	const document = await vscode.workspace.openTextDocument({ language, content });
	return vscode.window.showTextDocument(document);
}

/** Closes every scratch buffer without the "save?" question. */
async function closeScratches(): Promise<void> {
	for (const document of vscode.workspace.textDocuments.filter((d) => d.isUntitled && !d.isClosed)) {
		await vscode.window.showTextDocument(document);
		await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
	}
}

/** The position of the middle of `text` in the editor's document. */
function positionOf(editor: vscode.TextEditor, text: string): vscode.Position {
	const at = editor.document.getText().indexOf(text);
	assert.ok(at >= 0, `${text} is in the document`);
	return editor.document.positionAt(at + Math.floor(text.length / 2));
}

/** Puts the cursor in the middle of `text` and shows the hover there, as Ctrl+K Ctrl+I does. */
async function showHoverOn(editor: vscode.TextEditor, text: string): Promise<vscode.Position> {
	// With a hover showing, Show Hover focuses it instead of moving it: close it first.
	await ui.press('Escape');
	const position = positionOf(editor, text);
	editor.selection = new vscode.Selection(position, position);
	await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
	await vscode.commands.executeCommand('editor.action.showHover');
	return position;
}

/** Every hover VS Code's providers give at `position`, once they have all answered: the Markdown of each. */
async function hoverTexts(editor: vscode.TextEditor, position: vscode.Position): Promise<string[]> {
	const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position)) ?? [];
	return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)));
}

/** VS Code's own line under a document link's hover. */
const LINK_TOOLTIP = 'Open contact details';

function assertOurLinks(hover: HoverSnapshot, expected = OUR_LINKS): void {
	assert.deepEqual(
		hover.links.map((l) => l.text).filter((t) => t !== LINK_TOOLTIP),
		expected,
		JSON.stringify(hover.links),
	);
	for (const link of hover.links) assert.match(link.href, /^command:periskope\.(openContact|revealContact|copyContactId)\?/, link.href);
	assert.deepEqual(hover.foreign, [], 'nothing but text and our links');
}

function detailRequests(double: ApiDouble, contactId: string): number {
	const path = `/v1/contacts/${contactId.replace(/@c\.us$/, '')}`;
	return double.requests.filter((r) => r.method === 'GET' && decodeURIComponent(r.path) === path).length;
}

describe('Contacts in code', function () {
	this.timeout(90_000);
	let double: ApiDouble;
	/** A generated person with a name, to find by a bare number in a string. */
	let person: Contact;

	before(async function () {
		ui.requireOrSkip(this, 'hovering and typing in an editor');
		double = await startDouble({ contacts: 300, seed: 15 });
		const hostile = double.contacts.find((c) => c.contact_id === FIXED_IDS.hostile)!;
		hostile.contact_name = HOSTILE_LINK_NAME;
		hostile.labels = ['[x](https://evil.example)'];
		person = double.contacts.find((c) => c.contact_id.endsWith('@c.us') && c.contact_type === 'user' && c.contact_name && /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(c.contact_name) && !Object.values(FIXED_IDS).includes(c.contact_id as never))!;
		assert.ok(person, 'a generated person with a plain name');
		await ui.trustWorkspace().catch(() => undefined);
	});
	afterEach(async () => {
		if (!ui.available) return;
		await ui.press('Escape').catch(() => undefined);
		await closeScratches();
	});
	after(async () => {
		await setUserSetting('codeFeatures.enabled', undefined);
		await setUserSetting('codeFeatures.excludedLanguages', undefined);
		await signOutAndReset();
		await closeScratches();
		await double?.close();
	});

	it('a hover names the contact of a @c.us id, a @g.us id and a bare number in a string', async () => {
		await signedInTo(double, { pageSize: 500 });
		const bare = person.contact_id.replace('@c.us', '');
		const editor = await openScratch(
			[
				`const ada = '${FIXED_IDS.twoLabels}';`,
				`const team = "${FIXED_IDS.group}"; // the support group`,
				`const admin = { phone: "${bare}" };`,
				'',
			].join('\n'),
		);

		await showHoverOn(editor, FIXED_IDS.twoLabels);
		const ada = await ui.hover({ waitFor: { text: 'Ada Lovelace' } });
		assert.ok(ada);
		assert.ok(ada.text.includes(formatNumber(FIXED_IDS.twoLabels)), ada.text);
		assert.match(ada.text, /Labels: vip, customer/);
		assert.match(ada.text, /In my contacts/);
		assertOurLinks(ada);
		await screenshot('code-hover');
		// Its Reveal link selects it in the Contacts view.
		await ui.clickHover(/^Reveal in Contacts view$/);
		const rows = await ui.treeRows('Contacts', { minRows: 2 });
		await waitFor(async () => (await ui.treeRows('Contacts')).some((r) => r.selected && r.label === 'Ada Lovelace'), 10_000, `Ada Lovelace selected in the view (rows: ${rows.map((r) => r.label).join(' | ')})`);
		await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');

		await showHoverOn(editor, FIXED_IDS.group);
		const team = await ui.hover({ waitFor: { text: 'Support Team' } });
		assert.ok(team);
		assert.match(team.text, /Group/);
		assertOurLinks(team);
		await ui.press('Escape');

		await showHoverOn(editor, bare);
		const admin = await ui.hover({ waitFor: { text: displayName(person) } });
		assert.ok(admin);
		assert.ok(admin.text.includes(person.contact_id), admin.text);
		assertOurLinks(admin);
	});

	it('an id the store lacks is read once however often it is hovered, and an unknown id shows nothing', async () => {
		await signedInTo(double, { pageSize: 500 });
		// Joins the org after the list was read: the store cannot know it.
		if (!double.contacts.some((c) => c.contact_id === LATE.id)) double.contacts.push({ ...double.contacts[10], contact_id: LATE.id, contact_name: LATE.name, labels: [] });
		const editor = await openScratch(`sendTo("${LATE.id}");\nsendTo("${UNKNOWN_ID}");\n`);

		const late = await showHoverOn(editor, LATE.id);
		const shown = await ui.hover({ waitFor: { text: LATE.name } });
		assert.ok(shown);
		assertOurLinks(shown, ['Open details', 'Copy ID']); // not in the Contacts view: nothing to reveal
		await ui.press('Escape');
		for (let i = 0; i < 3; i++) {
			await showHoverOn(editor, LATE.id);
			assert.ok((await hoverTexts(editor, late)).some((t) => t.includes('Grace Hopper')));
		}
		assert.equal(detailRequests(double, LATE.id), 1, 'one GET /contacts/{id} for the late contact');

		const unknown = await showHoverOn(editor, UNKNOWN_ID);
		for (let i = 0; i < 3; i++) {
			assert.deepEqual((await hoverTexts(editor, unknown)).filter((t) => t.includes('Open details')), [], 'nothing to show for an unknown id');
			await showHoverOn(editor, UNKNOWN_ID);
		}
		await hoverTexts(editor, unknown);
		assert.equal(detailRequests(double, UNKNOWN_ID), 1, 'one GET /contacts/{id} for the unknown id, "not found" kept');
		const visible = await ui.hover();
		assert.ok(!visible?.text.includes('Open details'), visible?.text);
	});

	it('completion in a string inserts the id in both id formats, and never fires outside strings', async () => {
		for (const format of ['full', 'number'] as const) {
			await signedInTo(double, { pageSize: 500, idFormat: format });
			const editor = await openScratch('const to = "";\nconst x = \n');
			const inString = new vscode.Position(0, 'const to = "'.length);
			editor.selection = new vscode.Selection(inString, inString);
			await ui.type('Ada', { focus: 'editor' });

			const list = await ui.suggest({ waitFor: { text: 'Ada Lovelace' } });
			assert.ok(list);
			const first = list.items.find((i) => i.focused) ?? list.items[0];
			assert.ok(first.text.includes('Ada Lovelace'), JSON.stringify(list.items));
			assert.ok(first.text.includes(formatNumber(FIXED_IDS.twoLabels)), first.text);
			if (format === 'full') await screenshot('code-completion');
			await ui.press('Enter');
			const expected = format === 'full' ? FIXED_IDS.twoLabels : FIXED_IDS.twoLabels.replace('@c.us', '');
			await waitFor(() => editor.document.lineAt(0).text === `const to = "${expected}";`, 5000, `the ${format} id inserted (line: ${editor.document.lineAt(0).text})`);

			// Outside a string, no contact is suggested, even when asked for.
			const outside = new vscode.Position(1, 'const x = '.length);
			await editor.edit((e) => e.insert(outside, 'Ada'));
			const after = outside.translate(0, 3);
			const items = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, after);
			const labels = items.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
			assert.ok(!labels.includes('Ada Lovelace'), labels.join(', '));
			await closeScratches();
		}
		// A label finds many: the list as a user sees it while typing (for the README).
		const editor = await openScratch('notify("");\n');
		const inString = new vscode.Position(0, 'notify("'.length);
		editor.selection = new vscode.Selection(inString, inString);
		await ui.type('vip', { focus: 'editor' });
		const list = await ui.suggest({ waitFor: { minItems: 3 } });
		assert.ok(list && list.items.length >= 3);
		await screenshot('code-completion-list');
	});

	it('Ctrl+click (Open Link) on an id opens its details; every id is a link', async () => {
		await signedInTo(double, { pageSize: 500 });
		const bare = person.contact_id.replace('@c.us', '');
		const editor = await openScratch(`notify("${FIXED_IDS.twoLabels}", "${FIXED_IDS.group}", "${bare}", 919537851844);\n`);
		const links = (await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', editor.document.uri)) ?? [];
		const linked = links.filter((l) => l.target?.scheme === 'command').map((l) => editor.document.getText(l.range));
		assert.deepEqual(linked, [FIXED_IDS.twoLabels, FIXED_IDS.group, bare], 'a bare number outside a string is no link');

		const position = positionOf(editor, FIXED_IDS.twoLabels);
		editor.selection = new vscode.Selection(position, position);
		await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
		await vscode.commands.executeCommand('editor.action.openLink');
		const page = await ui.webview({ waitFor: { selector: `#root[data-contact-id="${FIXED_IDS.twoLabels}"][aria-busy="false"]`, timeoutMs: 15_000 } });
		assert.ok(page.text.includes('Ada Lovelace'), page.text.slice(0, 300));
		await vscode.commands.executeCommand('workbench.action.closeAllEditors');
	});

	it('a hostile name in a hover is shown as text, and clicking it does nothing; our links work', async () => {
		await signedInTo(double, { pageSize: 500 });
		await vscode.env.clipboard.writeText('');
		const terminalsBefore = vscode.window.terminals.length;
		const opened: vscode.Terminal[] = [];
		const watch = vscode.window.onDidOpenTerminal((t) => opened.push(t));
		try {
			const editor = await openScratch(`const who = "${FIXED_IDS.hostile}";\n`, 'plaintext');
			await showHoverOn(editor, FIXED_IDS.hostile);
			const hover = await ui.hover({ waitFor: { text: 'command:workbench.action.terminal.new' } });
			assert.ok(hover);
			assert.ok(hover.text.includes(HOSTILE_LINK_NAME), `the name as typed: ${hover.text}`);
			assert.ok(hover.text.includes('[x](https://evil.example)'), 'the label as typed');
			assertOurLinks(hover);
			await screenshot('code-hover-hostile');
			// Clicking the would-be link is clicking text.
			await ui.clickHover('[click]');
			// Then a real link of ours: its command runs (and everything clicked before it has run by then).
			await ui.clickHover(/^Copy ID$/);
			await waitFor(async () => (await vscode.env.clipboard.readText()) === FIXED_IDS.hostile, 5000, 'Copy ID from the hover');
			assert.equal(vscode.window.terminals.length, terminalsBefore, 'no terminal opened');
			assert.deepEqual(opened, []);
		} finally {
			watch.dispose();
		}
	});

	it('turned off, or signed out, nothing answers; turned on again, it does', async () => {
		await signedInTo(double, { pageSize: 500 });
		const editor = await openScratch(`const ada = "${FIXED_IDS.twoLabels}";\n`);
		const position = positionOf(editor, FIXED_IDS.twoLabels);
		const ours = async () => (await hoverTexts(editor, position)).filter((t) => t.includes('Open details')).length;
		assert.equal(await ours(), 1);
		await vscode.commands.executeCommand('periskope.toggleCodeFeatures');
		await waitFor(async () => (await ours()) === 0, 5000, 'no hover once turned off');
		await vscode.commands.executeCommand('periskope.toggleCodeFeatures');
		await waitFor(async () => (await ours()) === 1, 5000, 'the hover back once turned on');
		await vscode.commands.executeCommand('periskope.toggleCodeFeaturesForLanguage');
		await waitFor(async () => (await ours()) === 0, 5000, 'no hover in an excluded language');
		await vscode.commands.executeCommand('periskope.toggleCodeFeaturesForLanguage');
		await waitFor(async () => (await ours()) === 1, 5000, 'the hover back for the language');
		await vscode.commands.executeCommand('periskope.signOut');
		assert.equal(await ours(), 0, 'signed out: nothing');
	});
});
