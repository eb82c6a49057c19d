// Builds what the contact detail page shows from a Contact: strings only, never HTML (the page
// writes every value with textContent). Pure and free of `vscode`, so it is unit-tested in Node.
// Every field may be null, missing or of the wrong type in practice; none of that may throw.
import type { Contact } from '../api/types';
import { bareNumber, cleanText, contactFlags, displayName, formatNumber, formatUpdated, typeLabel, whatsAppUrl } from '../contacts/format';
import { describeFailure } from '../contacts/failure';
import type { ChatsState, ContactViewModel, ErrorAction } from './protocol';

/** Avatar colour when the contact has none (or not a hex colour): one of Periskope's 15. */
export const DEFAULT_COLOR = '#7D9EF1';

/**
 * The list row, overlaid with the single-contact read when we have it: the detail is fresher,
 * so its values win, including nulls; fields it does not carry keep the list's values.
 */
export function mergeContact(listed: Contact, detail?: Contact): Contact {
	if (!detail) return listed;
	const merged: Contact = { ...listed };
	for (const [key, value] of Object.entries(detail)) {
		if (value !== undefined) merged[key] = value;
	}
	// The row we were asked to show keeps its identity even if the detail came back odd.
	if (typeof merged.contact_id !== 'string' || !merged.contact_id) merged.contact_id = listed.contact_id;
	return merged;
}

/** A contact known only by its id (a panel restored after a reload, before the store has it). */
export function placeholderContact(contactId: string): Contact {
	return {
		contact_id: contactId,
		contact_name: null,
		contact_type: null,
		contact_color: null,
		contact_image: null,
		is_imported: null,
		is_internal: null,
		is_my_contact: null,
		is_wa_contact: null,
		label_ids: null,
		labels: [],
		org_id: null,
		updated_at: null,
	};
}

/**
 * The contact id in the state a detail page saved (`{ show: ShowMessage }`), which VS Code hands
 * back when it restores the panel. The state comes from the page, so it is checked like a message.
 */
export function restoredContactId(state: unknown): string | undefined {
	const id = (state as { show?: { contact?: { contactId?: unknown } } } | null | undefined)?.show?.contact?.contactId;
	return typeof id === 'string' && id.length > 0 && id.length <= 200 && !/[\s/?#]/.test(id) ? id : undefined;
}

export function buildContactViewModel(contact: Contact): ContactViewModel {
	const contactId = typeof contact.contact_id === 'string' ? contact.contact_id : '';
	const rawName = typeof contact.contact_name === 'string' ? cleanText(contact.contact_name) : '';
	const rawType = typeof contact.contact_type === 'string' ? contact.contact_type.trim() : '';
	const isGroup = contactId.endsWith('@g.us') || rawType.toLowerCase() === 'group';
	const number = isGroup ? '' : phoneNumber(contactId);
	// The tree's and the search's rule (displayName), so every surface shows a contact alike.
	const name = displayName({ contact_id: contactId, contact_name: rawName });
	const updated = formatUpdated(contact.updated_at);
	return {
		contactId,
		name,
		hasName: rawName !== '',
		number,
		type: typeLabel(rawType, isGroup),
		color: colorOf(contact.contact_color),
		initials: rawName ? initialsOf(rawName) : '#',
		imageUrl: httpsUrl(contact.contact_image),
		labels: labelsOf(contact.labels),
		flags: contactFlags(contact),
		updated: updated.text,
		updatedIso: updated.iso,
		isGroup,
		canOpenWhatsApp: !isGroup && whatsAppUrl(contactId) !== undefined,
	};
}

/** Splits a contact's chat ids into its 1-1 chat, its groups and anything else. */
export function chatsState(contactId: string, chatIds: unknown): ChatsState {
	const ids = Array.isArray(chatIds) ? chatIds.filter((id): id is string => typeof id === 'string' && id.trim() !== '').map((id) => id.trim()) : [];
	const own = bareNumber(contactId);
	let direct: string | null = null;
	const groups: string[] = [];
	const others: string[] = [];
	const seen = new Set<string>();
	for (const id of ids) {
		if (seen.has(id)) continue;
		seen.add(id);
		if (id.endsWith('@g.us')) groups.push(id);
		else if (direct === null && own !== '' && bareNumber(id) === own) direct = id;
		else others.push(id);
	}
	return { state: 'loaded', direct, groups, others };
}

/** A failed detail fetch as the page shows it: what happened and what to do next (the shared description). */
export function chatsErrorState(error: unknown): ChatsState & { state: 'error' } {
	const failure = describeFailure(error);
	// The page offers the actions it can run; "allow" and "refresh" are the tree's.
	const actions = failure.actions.filter((a): a is ErrorAction => (PAGE_ACTIONS as readonly string[]).includes(a));
	if (!actions.includes('retry') && failure.actions.includes('refresh')) actions.unshift('retry');
	return { state: 'error', message: failure.message, nextStep: failure.nextStep, actions };
}

const PAGE_ACTIONS = ['retry', 'setToken', 'openSettings', 'showLog'] as const satisfies readonly ErrorAction[];

function phoneNumber(contactId: string): string {
	const formatted = formatNumber(contactId);
	return formatted.startsWith('+') ? formatted : '';
}

function colorOf(value: unknown): string {
	if (typeof value !== 'string') return DEFAULT_COLOR;
	const color = value.trim();
	return /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(color) ? color.toUpperCase() : DEFAULT_COLOR;
}

/** First character of the first and last word that start with a letter or digit. */
export function initialsOf(name: string): string {
	const words = name.split(/\s+/).filter((w) => /^[\p{L}\p{N}]/u.test(w));
	const first = (w: string | undefined) => (w ? Array.from(w)[0].toLocaleUpperCase() : '');
	if (words.length === 0) return first(name.trim()) || '#';
	return words.length === 1 ? first(words[0]) : first(words[0]) + first(words[words.length - 1]);
}

function httpsUrl(value: unknown): string | null {
	if (typeof value !== 'string' || !value.trim()) return null;
	try {
		const url = new URL(value.trim());
		return url.protocol === 'https:' ? url.href : null;
	} catch {
		return null;
	}
}

function labelsOf(value: unknown): string[] {
	if (!Array.isArray(value)) return [];
	const seen = new Set<string>();
	const labels: string[] = [];
	for (const item of value) {
		if (typeof item !== 'string') continue;
		const label = cleanText(item);
		const key = label.toLocaleLowerCase();
		if (!label || seen.has(key)) continue;
		seen.add(key);
		labels.push(label);
	}
	return labels;
}

