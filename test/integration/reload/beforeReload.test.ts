// Before the window is reopened: an org is loaded and its contacts are saved to disk.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { logContains, signedInTo, startDouble, TOKEN, until } from '../fixture';
import { writeHandoff } from './handoff';

const CONTACTS = 3000;
const SEED = 21;
const SAVED = /Saved 3,000 contacts to the cache \([^)]*\): (\S+\.cache)/;

describe('Persistent cache across a window reload', () => {
	it('(before the reload) loads the org and saves its contacts to disk', async () => {
		const double = await startDouble({ contacts: CONTACTS, seed: SEED });
		try {
			const api = await signedInTo(double, { pageSize: 2000 });
			await vscode.commands.executeCommand('periskope.loadAll');
			await until(api, () => api.session.store.size === CONTACTS && !api.session.loader.hasMore, 'every contact');
			const log = await logContains(api, SAVED, 15_000);
			const file = [...log.matchAll(new RegExp(SAVED, 'g'))].at(-1)![1]!;
			assert.ok(fs.existsSync(file), `the cache file ${file} exists`);
			const bytes = fs.readFileSync(file).toString('latin1');
			assert.ok(!bytes.includes(TOKEN) && !bytes.includes(`:${double.port}`), 'neither the token nor the API address is in the file');
			// The next window must not open the view on start: the test after the reload opens it.
			await vscode.commands.executeCommand('workbench.view.explorer');
			writeHandoff({ port: double.port, seed: SEED, contacts: CONTACTS, file });
		} finally {
			await double.close();
		}
	});
});
