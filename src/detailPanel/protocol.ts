// The messages between the extension and the contact detail page, declared once for both
// sides. Everything here is plain data (strings, numbers, booleans, arrays): the page turns
// it into DOM nodes with textContent, so no field is ever HTML.

/** A contact's display fields, already formatted by the extension. */
export interface ContactViewModel {
	/** The raw id, e.g. `919537851844@c.us`: what Copy and Insert act on. */
	contactId: string;
	/** The name to show: the contact's name verbatim, else its formatted number. Never empty. */
	name: string;
	/** False when `name` is the number standing in for a missing name. */
	hasName: boolean;
	/** `+91 95378 51844`; empty for groups and ids that are not phone numbers. */
	number: string;
	/** The type as shown: `User`, `Business`, `Group`, an unknown type verbatim, or `Unknown`. */
	type: string;
	/** A `#rrggbb` colour for the avatar fallback; a default when the API has none or a bad one. */
	color: string;
	/** One or two characters for the avatar fallback. */
	initials: string;
	/** The avatar URL, only when it is https; else null and the page draws initials. */
	imageUrl: string | null;
	/** Label names, trimmed, empty ones dropped, deduplicated case-insensitively. */
	labels: string[];
	/** Short facts that hold, e.g. `Internal`, `On WhatsApp`, `Not on WhatsApp`. */
	flags: string[];
	/** `2025-01-20 11:36 UTC`, the raw value when it is not a date, or null. */
	updated: string | null;
	/** The ISO timestamp behind `updated`, for a `<time datetime>`; null when unknown or invalid. */
	updatedIso: string | null;
	/** True for a group id (`@g.us`) or type `group`. */
	isGroup: boolean;
	/** Whether "Open in WhatsApp" makes sense (a person with a phone number). */
	canOpenWhatsApp: boolean;
}

/** What a failed detail fetch lets the user do next; the page renders each as a button. */
export type ErrorAction = 'retry' | 'setToken' | 'openSettings' | 'showLog';

/** The contact's chats, which only the single-contact read returns. */
export type ChatsState =
	| { state: 'loading' }
	| {
		state: 'loaded';
		/** The 1-1 chat with this contact, when the API listed it. */
		direct: string | null;
		/** Group chats (`@g.us`) the contact shares with the organisation. */
		groups: string[];
		/** Any other chat ids (unknown suffixes), shown as they are. */
		others: string[];
	}
	| {
		state: 'error';
		/** What went wrong, for people (never contains the token). */
		message: string;
		/** What to do about it, e.g. "Set a new API token, then refresh." */
		nextStep: string;
		actions: ErrorAction[];
	};

export interface ShowMessage {
	type: 'show';
	contact: ContactViewModel;
	chats: ChatsState;
}

/** A failure of an action the page asked for (copy, insert, open); shown until the next render. */
export interface ErrorMessage {
	type: 'error';
	message: string;
}

export type ExtensionToWebview = ShowMessage | ErrorMessage;

export type WebviewToExtension =
	| { type: 'ready' }
	| { type: 'copyId'; contactId: string }
	| { type: 'insertId'; contactId: string }
	| { type: 'openWhatsApp'; contactId: string }
	| { type: 'refresh'; contactId: string }
	| { type: 'editLabels'; contactId: string }
	| { type: 'rename'; contactId: string }
	| { type: 'runAction'; action: ErrorAction };

const ERROR_ACTIONS: readonly string[] = ['retry', 'setToken', 'openSettings', 'showLog'] satisfies ErrorAction[];

/** Checks a message from the page before the extension acts on it. */
export function isWebviewToExtension(value: unknown): value is WebviewToExtension {
	if (typeof value !== 'object' || value === null) return false;
	const m = value as Record<string, unknown>;
	switch (m.type) {
		case 'ready':
			return true;
		case 'copyId':
		case 'insertId':
		case 'openWhatsApp':
		case 'refresh':
		case 'editLabels':
		case 'rename':
			return typeof m.contactId === 'string';
		case 'runAction':
			return typeof m.action === 'string' && ERROR_ACTIONS.includes(m.action);
		default:
			return false;
	}
}
