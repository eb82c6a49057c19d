// The suite's hands in the workbench (helpers.ts `ui`): with workspace trust on, the test folder
// is trusted by clicking in the trust UI, and a modal dialog is answered by clicking its button,
// as a user would. Needs the code-server runner; skipped, with the reason printed, under test-electron.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { nextEvent, screenshot, ui, UiUnavailableError, waitFor } from './helpers';
import { UI_DIR_ENV } from '../runner/uiProtocol';

/** A page shaped like the contact panel's: #root marked with the contact once rendered (after a delay, so waitFor is needed), an avatar image and one image that is not ours. */
function proofPage(contactId: string, name: string): string {
	const pixel = 'data:image/svg+xml,' + encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>');
	return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Contact</title>
<style>h1.name { display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; width: 200px; }</style></head>
<body><div id="root" aria-busy="true">
<header><div class="avatar"><img alt="" src="${pixel}"></div><h1 class="name"><bdi>${name}</bdi></h1></header>
<p>Body text</p><p hidden>never drawn</p><img class="foreign" src="${pixel}">
</div>
<script>setTimeout(() => { const root = document.getElementById('root'); root.dataset.contactId = ${JSON.stringify(contactId)}; root.setAttribute('aria-busy', 'false'); }, 300);</script>
</body></html>`;
}

function openPanel(title: string, html: string, column = vscode.ViewColumn.Beside): vscode.WebviewPanel {
	const panel = vscode.window.createWebviewPanel('periskope.runnerUiProof', title, { viewColumn: column, preserveFocus: true }, { enableScripts: true });
	panel.webview.html = html;
	return panel;
}

async function closeAllEditors(): Promise<void> {
	await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('Runner UI channel', function () {
	this.timeout(60_000);

	before(function () {
		ui.requireOrSkip(this, 'the runner UI tests');
	});

	it('runs with workspace trust enabled, and ui.trustWorkspace() grants trust by clicking', async () => {
		assert.equal(vscode.workspace.getConfiguration('security.workspace.trust').get('enabled'), true, 'workspace trust is on for the run');
		const wasTrusted = vscode.workspace.isTrusted;
		// Other files may run first (PERISKOPE_IT_SHUFFLE) and have trusted the folder already.
		const granted = wasTrusted ? undefined : nextEvent(vscode.workspace.onDidGrantWorkspaceTrust, 30_000, 'onDidGrantWorkspaceTrust');
		const result = await ui.trustWorkspace({ screenshot: wasTrusted ? undefined : 'workspace-trust-editor' });
		assert.equal(vscode.workspace.isTrusted, true);
		if (granted) {
			await granted;
			assert.equal(result.granted, true);
			assert.ok(result.click, 'something was clicked');
			assert.ok(
				(result.click.via === 'editor' && result.click.clicked === 'Trust') || (result.click.via === 'dialog' && result.click.clicked === 'Yes, I trust the authors'),
				`clicked ${JSON.stringify(result.click)}`,
			);
		}
		// Idempotent: a second call clicks nothing.
		assert.deepEqual(await ui.trustWorkspace(), { granted: false });
		const trustTabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === 'Workspace Trust');
		assert.deepEqual(trustTabs.map((t) => t.label), [], 'the trust editor was closed');
		if (granted) await screenshot('workspace-trusted');
	});

	it('answers a modal warning with the button the test names, and returns what it showed', async () => {
		const choice = vscode.window.showWarningMessage('Proof?', { modal: true, detail: 'detail text' }, 'Yes', 'No');
		const shown = await ui.answerDialog('No', { message: 'Proof?', screenshot: 'modal-dialog-proof' });
		assert.equal(await choice, 'No');
		assert.equal(shown.message, 'Proof?');
		assert.equal(shown.detail, 'detail text');
		assert.equal(shown.clicked, 'No');
		// VS Code adds Cancel to a modal message; the order on screen is the platform's (Linux: reversed, Cancel next to the primary).
		assert.deepEqual([...shown.buttons].sort(), ['Cancel', 'No', 'Yes']);
	});

	it('rejects clearly when no dialog shows, and when the dialog has no such button', async () => {
		await assert.rejects(ui.answerDialog('No', { timeoutMs: 500 }), /no modal dialog showed within 500 ms/);

		const choice = vscode.window.showInformationMessage('Pick one', { modal: true }, 'A', 'B');
		await assert.rejects(ui.answerDialog('C', { message: 'Pick one' }), /has no button "C"; its buttons are (?=.*"A")(?=.*"B")(?=.*"Cancel").*\(it was cancelled with Escape\)/);
		assert.equal(await choice, undefined, 'Escape cancelled the dialog');
	});

	it('ui.webview() reads the webview editor showing, once the page is rendered, and finds it by tab title', async () => {
		await closeAllEditors();
		const panels: vscode.WebviewPanel[] = [];
		try {
			panels.push(openPanel('Runner UI proof: first', proofPage('919876543210@c.us', 'Nombre Uno'), vscode.ViewColumn.One));
			panels.push(openPanel('Runner UI proof: second', proofPage('441234567890@c.us', 'Name Two'), vscode.ViewColumn.Two));
			const first = await ui.webview({
				title: 'proof: first',
				waitFor: { selector: '#root[data-contact-id="919876543210@c.us"][aria-busy="false"]' },
				rects: ['h1.name', '.no-such-thing'],
				styles: [
					{ selector: 'bdi', properties: ['unicode-bidi'] },
					{ selector: 'h1.name', properties: ['-webkit-line-clamp', 'overflow'] },
					{ selector: '.no-such-thing', properties: ['color'] },
				],
			});
			assert.equal(first.title, 'Runner UI proof: first');
			assert.match(first.text, /Nombre Uno/);
			assert.match(first.text, /Body text/);
			assert.doesNotMatch(first.text, /never drawn/, 'innerText: what is drawn');
			assert.match(first.html, /data-contact-id="919876543210@c.us"/);
			assert.equal(first.hasRoot, true);
			assert.equal(first.injected, 1, `only the foreign image counts, not the avatar's: ${first.injectedElements.join(' ')}`);
			assert.match(first.injectedElements[0], /^<img class="foreign"/);
			assert.ok(first.viewport.width > 200 && first.viewport.height > 200, JSON.stringify(first.viewport));
			const h1 = first.rects['h1.name'];
			assert.ok(h1 && h1.width === 200 && h1.height > 0, JSON.stringify(h1));
			assert.equal(first.rects['.no-such-thing'], null);
			assert.deepEqual(first.computed, {
				bdi: { 'unicode-bidi': 'isolate' },
				'h1.name': { '-webkit-line-clamp': '3', overflow: 'hidden' },
				'.no-such-thing': null,
			});

			// Without a title: the one in the active editor group (the panels opened without taking focus).
			const activeGroup = vscode.window.tabGroups.activeTabGroup.activeTab?.label;
			const active = await ui.webview({ waitFor: { selector: '#root[aria-busy="false"]' } });
			assert.equal(active.title, activeGroup);
			await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
			const second = await ui.webview({ waitFor: { selector: '#root[aria-busy="false"]' } });
			assert.equal(second.title, 'Runner UI proof: second');
			assert.match(second.text, /Name Two/);
			await screenshot('runner-ui-webviews');

			await assert.rejects(
				ui.webview({ title: 'proof: first', waitFor: { selector: '#root[data-contact-id="nobody"]', timeoutMs: 300 } }),
				/in the webview "Runner UI proof: first", nothing matched "#root\[data-contact-id=\\"nobody\\"\]" within 300 ms \(the page's #root is <div id="root" aria-busy="false" data-contact-id="919876543210@c.us">\)/,
			);
			await assert.rejects(ui.webview({ title: 'no such panel', timeoutMs: 300 }), /no webview editor whose tab label matches "no such panel" showed within 300 ms \(webviews showing: .*"Runner UI proof: first"/);
		} finally {
			for (const p of panels) p.dispose();
		}
	});

	it('ui.editorTabs() reads the tabs as drawn, with their size and the tab bar width', async () => {
		await closeAllEditors();
		const long = 'W'.repeat(10_000);
		const panels = [openPanel('Runner UI short', '<p>short</p>', vscode.ViewColumn.One), openPanel(long, '<p>long</p>', vscode.ViewColumn.One)];
		try {
			let tabs = await ui.editorTabs();
			// The bar scrolls to the active tab once it is laid out.
			const settled = () => tabs.length === 2 && tabs.some((t) => t.active && t.visibleWidth > 0.9 * t.tabBarWidth);
			await waitFor(async () => ((tabs = await ui.editorTabs()), settled()), 5000, 'the two tabs drawn, the active one scrolled into view');
			await screenshot('runner-ui-tabs');
			const short = tabs.find((t) => t.label === 'Runner UI short');
			const wide = tabs.find((t) => t.label === long);
			assert.ok(short && wide, `tabs: ${tabs.map((t) => t.label.slice(0, 30)).join(', ')}`);
			assert.equal(short.active, false);
			assert.equal(wide.active, true, 'the last opened is active');
			assert.equal(wide.group, short.group);
			assert.ok(short.width > 50 && short.width < short.tabBarWidth, JSON.stringify(short));
			assert.ok(short.height > 10);
			assert.equal(short.labelClipped, false);
			assert.ok(wide.tabBarWidth > 0 && wide.tabBarWidth < 2000);
			// What VS Code itself does with such a title ("fit" tab sizing): the tab is as wide as the
			// text, and the bar scrolls to the active tab. The reading says so; clipping is the title's job.
			assert.ok(wide.width > 10 * wide.tabBarWidth, `the 10,000-character tab is ${wide.width} px wide`);
			assert.ok(wide.visibleWidth > 0.9 * wide.tabBarWidth && wide.visibleWidth <= wide.tabBarWidth, `the active tab fills the bar: ${wide.visibleWidth} of ${wide.tabBarWidth} px`);
			assert.ok(short.visibleWidth < short.width / 2, `the other tab is pushed (mostly) out of sight: ${short.visibleWidth} of ${short.width} px`);
		} finally {
			for (const p of panels) p.dispose();
		}
	});

	it('ui.quickPick() reads the quick pick showing, and undefined when none is', async () => {
		const qp = vscode.window.createQuickPick();
		try {
			qp.title = 'Runner UI proof pick';
			qp.placeholder = 'Type a name';
			qp.items = [
				{ label: 'Alpha', description: 'first', detail: 'the first item' },
				{ label: 'Group', kind: vscode.QuickPickItemKind.Separator },
				{ label: 'Beta' },
				{ label: 'Gamma', description: 'third' },
			];
			qp.show();
			const shown = await ui.quickPick({ waitFor: { titleIncludes: 'Runner UI proof', minItems: 3 } });
			assert.ok(shown);
			assert.equal(shown.title, 'Runner UI proof pick');
			assert.equal(shown.placeholder, 'Type a name');
			assert.equal(shown.value, '');
			assert.equal(shown.count, 3);
			assert.deepEqual(
				shown.items.map((i) => [i.label, i.description, i.detail, i.focused, i.separator ?? '']),
				[
					['Alpha', 'first', 'the first item', true, ''],
					['Beta', '', '', false, 'Group'],
					['Gamma', 'third', '', false, ''],
				],
			);
			assert.match(shown.items[0].ariaLabel, /Alpha/);
			await screenshot('runner-ui-quickpick');

			qp.value = 'gam';
			const filtered = await ui.quickPick({ waitFor: { titleIncludes: 'Runner UI proof', minItems: 1 } });
			await waitFor(async () => (await ui.quickPick())?.items.length === 1, 5000, 'the filter to apply');
			assert.equal(filtered?.value, 'gam');

			await assert.rejects(ui.quickPick({ waitFor: { titleIncludes: 'nope', timeoutMs: 300 } }), /no quick input titled "nope" showed within 300 ms \(showing: title "Runner UI proof pick"/);
		} finally {
			qp.dispose();
		}
		await waitFor(async () => (await ui.quickPick()) === undefined, 5000, 'the quick pick to close');

		const multi = vscode.window.createQuickPick();
		try {
			multi.canSelectMany = true;
			multi.title = 'Runner UI proof many';
			const items = [{ label: 'One' }, { label: 'Two' }];
			multi.items = items;
			multi.selectedItems = [items[1]];
			multi.show();
			const shown = await ui.quickPick({ waitFor: { titleIncludes: 'proof many', minItems: 2 } });
			// The rows are the ones that drew Alpha's description and detail before: VS Code hides those parts, and so they read ''.
			assert.deepEqual(shown?.items.map((i) => [i.label, i.description, i.detail, i.checked]), [
				['One', '', '', false],
				['Two', '', '', true],
			]);
		} finally {
			multi.dispose();
		}

		// An input box: no list. Keys typed as a user would reach it, and its validation message shows.
		const input = vscode.window.showInputBox({ title: 'Runner UI proof input', value: 'abc', prompt: 'Say something', validateInput: (v) => (v.length < 3 ? 'Too short' : undefined) });
		const box = await ui.quickPick({ waitFor: { titleIncludes: 'proof input' } });
		assert.equal(box?.value, 'abc');
		assert.equal(box?.count, 0);
		assert.deepEqual(box?.items, []);
		assert.match(box?.message ?? '', /^Say something/);
		await ui.press('End');
		await ui.press('Backspace');
		let edited: Awaited<ReturnType<typeof ui.quickPick>> = box;
		await waitFor(async () => /Too short/.test((edited = await ui.quickPick())?.message ?? ''), 5000, 'the validation message');
		assert.equal(edited?.value, 'ab');
		await screenshot('runner-ui-inputbox');
		await ui.press('Escape');
		assert.equal(await input, undefined);
	});

	it('ui.notifications() reads the toasts showing and closes them with their x; ui.allNotifications() reads the notification center', async () => {
		const info = vscode.window.showInformationMessage('Runner UI proof: info', 'First', 'Second');
		const warning = vscode.window.showWarningMessage('Runner UI proof: warning');
		const error = vscode.window.showErrorMessage('Runner UI proof: error');
		const toasts = await ui.notifications({ waitFor: { message: 'Runner UI proof: info' } });
		await ui.notifications({ waitFor: { message: 'Runner UI proof: error' } });
		await screenshot('runner-ui-toasts');
		const infoToast = toasts.find((t) => t.message === 'Runner UI proof: info');
		assert.deepEqual(infoToast, { message: 'Runner UI proof: info', source: 'Periskope Contacts', buttons: ['First', 'Second'], severity: 'info', expanded: true });

		const cleared = await ui.notifications({ clear: true });
		const mine = cleared.filter((t) => t.message.startsWith('Runner UI proof'));
		assert.deepEqual(mine.map((t) => [t.message, t.severity, t.source]).sort(), [
			['Runner UI proof: error', 'error', 'Periskope Contacts'],
			['Runner UI proof: info', 'info', 'Periskope Contacts'],
			['Runner UI proof: warning', 'warning', 'Periskope Contacts'],
		]);
		assert.equal(await info, undefined, 'closing the toast dismisses the message');
		assert.equal(await warning, undefined);
		assert.equal(await error, undefined);
		assert.deepEqual(await ui.notifications(), []);
		await assert.rejects(ui.notifications({ waitFor: { message: /never/, timeoutMs: 300 } }), /a toast whose message matches \/never\/ did not show within 300 ms \(toasts showing: none\)/);

		// Notifications whose toasts are gone (hidden, as they do by themselves) are still in the center:
		// more than it draws at once, so reading them all needs scrolling. Progress notifications close when their task ends.
		const done: (() => void)[] = [];
		const titles = Array.from({ length: 15 }, (_, i) => `Runner UI proof: progress ${String(i + 1).padStart(2, '0')}`);
		for (const title of titles) {
			void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, () => new Promise<void>((resolve) => done.push(resolve)));
		}
		try {
			await waitFor(() => done.length === titles.length, 5000, 'the progress notifications to start');
			// VS Code shows a few toasts at a time; the rest wait their turn, and are in the center.
			await ui.notifications({ waitFor: { message: titles[0] } });
			await vscode.commands.executeCommand('notifications.hideToasts');
			const all = await ui.allNotifications();
			const progress = all.filter((n) => n.message.startsWith('Runner UI proof: progress'));
			assert.deepEqual(progress.map((n) => n.message).sort(), titles, `all of them, from a list that draws only some: ${JSON.stringify(all.map((n) => n.message))}`);
			assert.ok(progress.every((n) => n.source === 'Periskope Contacts' && n.severity === 'info'), JSON.stringify(progress[0]));
			assert.equal(all.filter((n) => /Runner UI proof: (info|warning|error)/.test(n.message)).length, 0, 'closed ones are gone');
		} finally {
			for (const resolve of done) resolve();
		}
		await waitFor(async () => (await ui.allNotifications()).every((n) => !n.message.startsWith('Runner UI proof')), 5000, 'the progress notifications to close');
	});

	it('ui.press() presses a key chord where the workbench has focus', async () => {
		const folder = vscode.workspace.workspaceFolders?.[0];
		assert.ok(folder, 'the test workspace has a folder');
		const editor = await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, 'sample.ts'));
		editor.selection = new vscode.Selection(0, 0, 0, 0);
		const selected = nextEvent(vscode.window.onDidChangeTextEditorSelection, 5000, 'the selection to change');
		const pressed = await ui.press('Control+a', { focus: 'editor' });
		const change = await selected;
		const all = new vscode.Range(0, 0, editor.document.lineCount - 1, editor.document.lineAt(editor.document.lineCount - 1).text.length);
		assert.ok(change.selections[0].isEqual(all), `Control+a selected ${JSON.stringify(change.selections[0])}; focus was ${pressed.focusedBefore}`);
		assert.match(pressed.focusedBefore, /textarea|edit-context|monaco/i);
		await assert.rejects(ui.press('Control+NoSuchKey'), /could not press "Control\+NoSuchKey"/);
		await closeAllEditors();
	});

	it('ui.treeRows() reads the rows of a view as drawn, and tells when a long label is clipped', async () => {
		const folder = vscode.workspace.workspaceFolders?.[0];
		assert.ok(folder);
		const longName = `${'n'.repeat(200)}.ts`;
		const longFile = path.join(folder.uri.fsPath, longName);
		fs.writeFileSync(longFile, '');
		try {
			await vscode.commands.executeCommand('workbench.view.explorer');
			await vscode.commands.executeCommand('workbench.files.action.refreshFilesExplorer');
			const rows = await ui.treeRows(folder.name.toUpperCase(), { minRows: 2 });
			await screenshot('runner-ui-explorer');
			const sample = rows.find((r) => r.label === 'sample.ts');
			const long = rows.find((r) => r.label === longName);
			assert.ok(sample && long, `rows: ${rows.map((r) => r.label.slice(0, 30)).join(', ')}`);
			assert.equal(sample.level, 1);
			assert.equal(sample.clipped, false);
			assert.ok(sample.width > 0 && sample.width < sample.rowWidth, JSON.stringify(sample));
			assert.equal(long.clipped, true, JSON.stringify(long));
			assert.ok(long.width <= long.rowWidth, 'the label stays within its row');
			assert.match(sample.ariaLabel, /sample\.ts/);

			await assert.rejects(ui.treeRows('No Such View', { timeoutMs: 300 }), /no view whose title matches "No Such View" \(whole, ignoring case\) showed within 300 ms \(views showing: .*"Outline"/);
			await assert.rejects(ui.treeRows('Outline', { timeoutMs: 300 }), /the view matching .* is collapsed/);
		} finally {
			fs.rmSync(longFile, { force: true });
		}
	});

	it('without a runner (as under test-electron) rejects at once, saying why, and screenshot() carries on', async () => {
		const dir = process.env[UI_DIR_ENV];
		delete process.env[UI_DIR_ENV];
		try {
			assert.equal(ui.available, false);
			const started = Date.now();
			await assert.rejects(ui.answerDialog('No'), (e: unknown) => e instanceof UiUnavailableError && /needs the code-server runner/.test(e.message));
			await assert.rejects(ui.dismissDialogs(), UiUnavailableError);
			for (const [name, call] of Object.entries({
				webview: () => ui.webview({ waitFor: { selector: '#root' } }),
				editorTabs: () => ui.editorTabs(),
				notifications: () => ui.notifications({ clear: true }),
				allNotifications: () => ui.allNotifications(),
				quickPick: () => ui.quickPick({ waitFor: { minItems: 1 } }),
				press: () => ui.press('Control+c', { focus: 'tree:periskope.contacts' }),
				treeRows: () => ui.treeRows('Contacts'),
			})) {
				await assert.rejects(call(), (e: unknown) => e instanceof UiUnavailableError && /needs the code-server runner/.test(e.message), `ui.${name}`);
			}
			await screenshot('never-taken');
			assert.ok(Date.now() - started < 1000, 'no waiting');
			if (!vscode.workspace.isTrusted) await assert.rejects(ui.trustWorkspace(), UiUnavailableError);
			else assert.deepEqual(await ui.trustWorkspace(), { granted: false }, 'already trusted: nothing to click, so no runner needed');
		} finally {
			process.env[UI_DIR_ENV] = dir;
		}
	});
});
