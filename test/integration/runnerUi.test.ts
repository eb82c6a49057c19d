// The suite's hands in the workbench (helpers.ts `ui`): with workspace trust on, the test folder
// is trusted by clicking in the trust UI, and a modal dialog is answered by clicking its button,
// as a user would. Needs the code-server runner; skipped, with the reason printed, under test-electron.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { nextEvent, screenshot, ui, UiUnavailableError } from './helpers';
import { UI_DIR_ENV } from '../runner/uiProtocol';

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

	it('without a runner (as under test-electron) rejects at once, saying why, and screenshot() carries on', async () => {
		const dir = process.env[UI_DIR_ENV];
		delete process.env[UI_DIR_ENV];
		try {
			assert.equal(ui.available, false);
			const started = Date.now();
			await assert.rejects(ui.answerDialog('No'), (e: unknown) => e instanceof UiUnavailableError && /needs the code-server runner/.test(e.message));
			await assert.rejects(ui.dismissDialogs(), UiUnavailableError);
			await screenshot('never-taken');
			assert.ok(Date.now() - started < 1000, 'no waiting');
			if (!vscode.workspace.isTrusted) await assert.rejects(ui.trustWorkspace(), UiUnavailableError);
			else assert.deepEqual(await ui.trustWorkspace(), { granted: false }, 'already trusted: nothing to click, so no runner needed');
		} finally {
			process.env[UI_DIR_ENV] = dir;
		}
	});
});
