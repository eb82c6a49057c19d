// Checks the shape of what the API sent and normalises each contact in place, cheaply:
// a page of 2,000 contacts goes through here on every load, so no copies.
import type { Contact, ContactPage } from './types';

export class ShapeError extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const NULLABLE_STRINGS = ['contact_name', 'contact_type', 'contact_color', 'contact_image', 'org_id', 'updated_at'] as const;
const NULLABLE_FLAGS = ['is_imported', 'is_internal', 'is_my_contact', 'is_wa_contact'] as const;

/**
 * Makes one raw object a Contact, or returns undefined when it has no usable id.
 * Wrongly typed fields become null (or [] for labels) instead of failing the page.
 */
export function normaliseContact(raw: unknown): Contact | undefined {
	if (!isObject(raw)) return undefined;
	const id = raw.contact_id;
	if (typeof id !== 'string' || id.length === 0) return undefined;
	for (const key of NULLABLE_STRINGS) {
		if (typeof raw[key] !== 'string') raw[key] = null;
	}
	for (const key of NULLABLE_FLAGS) {
		if (typeof raw[key] !== 'boolean') raw[key] = null;
	}
	const labels = raw.labels;
	if (!Array.isArray(labels)) {
		raw.labels = [];
	} else if (!labels.every((l) => typeof l === 'string')) {
		raw.labels = labels.filter((l): l is string => typeof l === 'string' && l.length > 0);
	}
	if (!isObject(raw.label_ids)) raw.label_ids = null;
	if (raw.chat_ids !== undefined && !Array.isArray(raw.chat_ids)) raw.chat_ids = [];
	return raw as Contact;
}

export interface ParsedPage extends ContactPage {
	/** Rows dropped because they had no usable contact_id. */
	malformed: number;
}

/** Validates a `GET /contacts` body. Throws ShapeError when it is not a page at all. */
export function parseContactPage(body: unknown): ParsedPage {
	if (!isObject(body) || !Array.isArray(body.contacts)) {
		throw new ShapeError('expected an object with a "contacts" array');
	}
	const contacts: Contact[] = [];
	let malformed = 0;
	for (const raw of body.contacts) {
		const contact = normaliseContact(raw);
		if (contact) contacts.push(contact);
		else malformed++;
	}
	// Numbers from the server are hints, never trusted: a whole number in a sane range, else unknown (-1).
	const num = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1e9 ? v : -1);
	return {
		contacts,
		// A missing count is survivable: paging ends on an empty page instead.
		count: num(body.count),
		from: num(body.from),
		to: num(body.to),
		malformed,
	};
}

/** Validates a `GET /contacts/{id}` body. */
export function parseContact(body: unknown): Contact {
	const contact = normaliseContact(body);
	if (!contact) throw new ShapeError('expected a contact object with a "contact_id"');
	if (!Array.isArray(contact.chat_ids)) contact.chat_ids = [];
	return contact;
}
