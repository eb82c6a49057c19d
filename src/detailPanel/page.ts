// The contact detail page (bundled to media/build/panel.js, runs in the webview).
// It renders the view model the extension posts, with createElement + textContent only: a name
// such as `<img src=x onerror=…>` is shown as those characters, never parsed as markup.
import type { ChatsState, ContactViewModel, ErrorAction, ExtensionToWebview, ShowMessage, WebviewToExtension } from './protocol';

interface VsCodeApi<State> {
	postMessage(message: WebviewToExtension): void;
	getState(): State | undefined;
	setState(state: State): void;
}
declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

/** Kept by VS Code while the panel is hidden, so a re-shown page draws at once. */
interface PageState {
	show?: ShowMessage;
}

const vscode = acquireVsCodeApi<PageState>();

const root = document.getElementById('root') ?? document.body;

let current: ShowMessage | undefined;
/** A failed copy/insert/open, shown until the user acts again or another contact is shown. */
let actionError: string | undefined;
/** Avatar URLs that failed to load: drawn as initials from then on. */
const failedImages = new Set<string>();

const ACTION_LABELS: Record<ErrorAction, string> = {
	retry: 'Retry',
	setToken: 'Set API Token',
	openSettings: 'Open Settings',
	showLog: 'Show Log',
};

// ---- DOM helpers: text goes in through textContent, never markup ----

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
	const node = document.createElement(tag);
	if (className) node.className = className;
	if (text !== undefined) node.textContent = text;
	return node;
}

function append(parent: Element, ...children: (Node | null | undefined | false)[]): void {
	for (const child of children) if (child) parent.appendChild(child);
}

function button(key: string, label: string, title: string, onClick: () => void, secondary = false): HTMLButtonElement {
	const b = el('button', secondary ? 'secondary' : undefined, label);
	b.type = 'button';
	b.title = title;
	b.dataset.key = key;
	b.addEventListener('click', () => {
		actionError = undefined;
		onClick();
	});
	return b;
}

function post(message: WebviewToExtension): void {
	vscode.postMessage(message);
}

// ---- rendering ----

function avatar(contact: ContactViewModel): HTMLElement {
	const box = el('div', 'avatar');
	box.setAttribute('aria-hidden', 'true');
	const url = contact.imageUrl;
	if (url && url.startsWith('https:') && !failedImages.has(url)) {
		const img = el('img');
		img.alt = '';
		img.referrerPolicy = 'no-referrer';
		img.addEventListener('error', () => {
			failedImages.add(url);
			img.replaceWith(initials(contact));
		});
		img.src = url;
		append(box, img);
	} else {
		append(box, initials(contact));
	}
	return box;
}

function initials(contact: ContactViewModel): HTMLElement {
	const circle = el('span', 'initials', contact.initials);
	// CSSOM, not a style attribute: allowed by the CSP, and the colour is a checked #hex.
	circle.style.backgroundColor = contact.color;
	return circle;
}

function badges(items: string[], className: string, empty: string): HTMLElement {
	if (items.length === 0) return el('span', 'muted', empty);
	const list = el('ul', 'badges');
	for (const item of items) append(list, el('li', className, item));
	return list;
}

function field(dl: HTMLElement, term: string, value: Node): void {
	append(dl, el('dt', undefined, term));
	const dd = el('dd');
	append(dd, value);
	append(dl, dd);
}

function header(contact: ContactViewModel): HTMLElement {
	const head = el('header', 'header');
	const identity = el('div', 'identity');
	// Isolated, so no name can reorder the text around it; clamped to a few lines, whole in its tooltip and selectable.
	const name = el('h1', 'name');
	name.title = contact.name;
	append(name, el('bdi', undefined, contact.name));
	append(identity, name);
	if (contact.hasName && contact.number) append(identity, el('p', 'number', contact.number));
	else if (!contact.hasName) append(identity, el('p', 'muted', 'No name saved'));
	const meta = el('p', 'meta');
	append(meta, el('span', 'badge type', contact.type));
	append(identity, meta);
	append(head, avatar(contact), identity);
	return head;
}

function actions(contact: ContactViewModel): HTMLElement {
	const bar = el('div', 'actions');
	bar.setAttribute('role', 'group');
	bar.setAttribute('aria-label', 'Contact actions');
	const contactId = contact.contactId;
	append(
		bar,
		button('copy', 'Copy ID', `Copy ${contactId} to the clipboard`, () => post({ type: 'copyId', contactId })),
		button('insert', 'Insert ID into Editor', 'Insert the id at the cursor of the last text editor', () => post({ type: 'insertId', contactId }), true),
		contact.canOpenWhatsApp &&
			button('whatsapp', 'Open in WhatsApp', `Open a chat with ${contact.number} on wa.me`, () => post({ type: 'openWhatsApp', contactId }), true),
		button('refresh', 'Refresh', 'Fetch this contact again from Periskope', () => post({ type: 'refresh', contactId }), true),
		button('editLabels', 'Edit Labels…', 'Change this contact\'s labels in Periskope', () => post({ type: 'editLabels', contactId }), true),
		button('rename', 'Rename…', 'Change the name Periskope shows (not the one on the phone)', () => post({ type: 'rename', contactId }), true),
	);
	return bar;
}

function details(contact: ContactViewModel): HTMLElement {
	const section = el('section', 'details');
	section.setAttribute('aria-labelledby', 'details-heading');
	const h = el('h2', undefined, 'Details');
	h.id = 'details-heading';
	const dl = el('dl');
	field(dl, 'Contact ID', el('code', 'id', contact.contactId));
	if (contact.number) field(dl, 'Number', el('span', undefined, contact.number));
	field(dl, 'Type', el('span', undefined, contact.type));
	field(dl, 'Labels', badges(contact.labels, 'badge label', 'None'));
	field(dl, 'Flags', badges(contact.flags, 'flag', 'None'));
	if (contact.updated) {
		const time = el('time', undefined, contact.updated);
		if (contact.updatedIso) time.dateTime = contact.updatedIso;
		field(dl, 'Updated', time);
	} else {
		field(dl, 'Updated', el('span', 'muted', 'Unknown'));
	}
	append(section, h, dl);
	return section;
}

function idList(ids: string[], limit = 200): HTMLElement {
	const list = el('ul', 'chat-list');
	for (const id of ids.slice(0, limit)) {
		const li = el('li');
		append(li, el('code', undefined, id));
		append(list, li);
	}
	if (ids.length > limit) append(list, el('li', 'muted', `and ${ids.length - limit} more`));
	return list;
}

function chats(state: ChatsState, contactId: string): HTMLElement {
	const section = el('section', 'chats');
	section.setAttribute('aria-labelledby', 'chats-heading');
	const h = el('h2', undefined, 'Chats');
	h.id = 'chats-heading';
	append(section, h);
	switch (state.state) {
		case 'loading': {
			const p = el('p', 'muted loading', 'Loading chats…');
			p.setAttribute('role', 'status');
			append(section, p);
			break;
		}
		case 'loaded': {
			if (!state.direct && state.groups.length === 0 && state.others.length === 0) {
				append(section, el('p', 'muted', 'No chats with this contact.'));
				break;
			}
			const dl = el('dl');
			field(dl, '1-1 chat', state.direct ? el('code', undefined, state.direct) : el('span', 'muted', 'None'));
			field(dl, `Common groups (${state.groups.length})`, state.groups.length ? idList(state.groups) : el('span', 'muted', 'None'));
			if (state.others.length) field(dl, `Other chats (${state.others.length})`, idList(state.others));
			append(section, dl);
			break;
		}
		case 'error': {
			const box = el('div', 'banner error');
			box.setAttribute('role', 'alert');
			append(box, el('p', 'message', `Could not load this contact's details: ${state.message}`), el('p', 'next-step', state.nextStep));
			const buttons = el('div', 'actions');
			state.actions.forEach((action, i) => {
				const secondary = i > 0; // the first action is the suggested next step
				append(
					buttons,
					action === 'retry'
						? button('error-retry', ACTION_LABELS.retry, 'Fetch this contact again', () => post({ type: 'refresh', contactId }), secondary)
						: button(`error-${action}`, ACTION_LABELS[action], ACTION_LABELS[action], () => post({ type: 'runAction', action }), secondary),
				);
			});
			if (state.actions.length) append(box, buttons);
			append(section, box);
			append(section, el('p', 'muted', 'Showing what the contacts list already knows.'));
			break;
		}
	}
	return section;
}

function render(message: ShowMessage): void {
	const focused = (document.activeElement as HTMLElement | null)?.dataset?.key;
	const main = el('div', 'contact');
	append(main, header(message.contact), actions(message.contact));
	if (actionError) {
		const banner = el('div', 'banner error', actionError);
		banner.setAttribute('role', 'alert');
		append(main, banner);
	}
	append(main, details(message.contact), chats(message.chats, message.contact.contactId));
	root.replaceChildren(main);
	root.setAttribute('aria-busy', message.chats.state === 'loading' ? 'true' : 'false');
	root.dataset.contactId = message.contact.contactId;

	// Keep keyboard focus on the same button across re-renders (e.g. after Refresh).
	if (focused) {
		for (const b of Array.from(root.querySelectorAll('button'))) {
			if (b.dataset.key === focused) {
				b.focus();
				break;
			}
		}
	}
}

function isShow(data: unknown): data is ShowMessage {
	const m = data as Partial<ShowMessage> | null;
	return !!m && m.type === 'show' && typeof m.contact?.contactId === 'string' && typeof m.chats?.state === 'string';
}

window.addEventListener('message', (event: MessageEvent<ExtensionToWebview>) => {
	const data = event.data;
	if (isShow(data)) {
		if (current?.contact.contactId !== data.contact.contactId) actionError = undefined;
		current = data;
		vscode.setState({ show: data });
		render(data);
	} else if (data?.type === 'error' && typeof data.message === 'string') {
		actionError = data.message;
		if (current) render(current);
	}
});

// Draw what we showed before the panel was hidden, then ask for fresh data.
const saved = vscode.getState()?.show;
if (isShow(saved)) {
	current = saved;
	render(saved);
}
post({ type: 'ready' });
