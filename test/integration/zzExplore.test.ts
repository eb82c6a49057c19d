import * as vscode from 'vscode';
import * as path from 'path';
import { ui } from './helpers';
describe('runner ui explore', function () {
	this.timeout(120_000);
	it('dumps', async () => {
		// eslint-disable-next-line @typescript-eslint/no-explicit-any
		const dump = (name: string) => (ui as any).__ask(name);
		await ui.trustWorkspace();
		await new Promise((r) => setTimeout(r, 3000));
		const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'sample.ts')));
		await vscode.window.showTextDocument(doc);
		const panel = vscode.window.createWebviewPanel('x.test', 'A'.repeat(300), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true });
		panel.webview.html = '<!DOCTYPE html><html><body><div id="root" data-contact-id="919@c.us" aria-busy="false"><h1 class="name"><bdi>Hello</bdi></h1><img src="data:image/png;base64,iVBORw0KGgo="></div></body></html>';
		void vscode.window.showInformationMessage('Info here', 'Btn1', 'Btn2');
		void vscode.window.showWarningMessage('Warn here');
		await vscode.commands.executeCommand('workbench.view.explorer');
		await dump('one');
		await new Promise((r) => setTimeout(r, 5000));
		await dump('one2');
		const qp = vscode.window.createQuickPick();
		qp.title = 'QP title'; qp.placeholder = 'ph'; qp.items = [{ label: 'L1', description: 'D1', detail: 'Det1' }, { label: 'L2' }];
		qp.show();
		await dump('qp');
		qp.hide();
		await vscode.commands.executeCommand('notifications.showList');
		await dump('center');
		await vscode.commands.executeCommand('notifications.hideList');
		await vscode.commands.executeCommand('periskope.contacts.focus');
		await dump('periskope');
	});
});
