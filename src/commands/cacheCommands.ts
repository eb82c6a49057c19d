// Clear Cached Contacts: deletes the contacts kept on disk (what is loaded stays until a reload).
import * as vscode from 'vscode';
import { Command } from '../config';
import type { ContactsSession } from '../contacts/session';

export function cacheCommands(session: ContactsSession): Record<string, () => unknown> {
	return {
		[Command.clearCache]: async () => {
			const deleted = await session.clearCache();
			void vscode.window.showInformationMessage(deleted ? 'Deleted the cached Periskope contacts from this computer.' : 'There were no cached Periskope contacts on this computer.');
		},
	};
}
