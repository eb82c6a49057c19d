// The one test API: returned by activate() in extensionMode Test only.
import type * as vscode from 'vscode';
import type { ContactEditor } from './contacts/contactEditor';
import type { ContactsSession } from './contacts/session';
import type { ContactDetailPanel } from './detailPanel/detailPanel';
import type { ContactsView } from './views/contactsView';

/**
 * Handed to the integration tests (extensionMode Test): the session and the view, as the user's
 * actions change them; the panel, whose restore() VS Code calls after a reload; where the log goes.
 */
export interface PeriskopeTestApi {
	session: ContactsSession;
	view: ContactsView;
	panel: ContactDetailPanel;
	/** Writes to contacts (labels, name, internal). */
	editor: ContactEditor;
	logUri: vscode.Uri;
}
