// How a contact is shown and referred to. Pure functions, shared by tree, panel and search.
import type { Contact } from '../api/types';

export type IdFormat = 'full' | 'number';

/** The bare number of an id: `919537851844@c.us` -> `919537851844`. */
export function bareNumber(contactId: string): string {
	const at = contactId.indexOf('@');
	return at === -1 ? contactId : contactId.slice(0, at);
}

/** `919537851844` -> `+91 95378 51844`-ish: country code split off, rest grouped for reading. */
export function formatNumber(contactId: string): string {
	const digits = bareNumber(contactId);
	if (!/^\d{6,15}$/.test(digits)) return digits;
	const cc = countryCodeLength(digits);
	const rest = digits.slice(cc);
	const groups = rest.length > 6 ? [rest.slice(0, rest.length - 5), rest.slice(-5)] : [rest];
	return `+${digits.slice(0, cc)} ${groups.join(' ')}`;
}

// One-digit codes (+1 NANP, +7 RU/KZ); two-digit ones cover most of the rest; else three.
const TWO_DIGIT_CODES = new Set([
	'20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48', '49',
	'51', '52', '53', '54', '55', '56', '57', '58', '60', '61', '62', '63', '64', '65', '66', '81', '82', '84',
	'86', '90', '91', '92', '93', '94', '95', '98',
]);
function countryCodeLength(digits: string): number {
	if (digits[0] === '1' || digits[0] === '7') return 1;
	return TWO_DIGIT_CODES.has(digits.slice(0, 2)) ? 2 : 3;
}

/**
 * Embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): inside a name they
 * could draw "evil" as "live" or reorder the text around it. Names never need them.
 */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]+/g;

/** A name as text that cannot disguise itself: bidi controls removed, line breaks and controls made spaces, trimmed. */
export function cleanText(text: string): string {
	return text.replace(BIDI_CONTROLS, '').replace(CONTROL_CHARS, ' ').replace(/\s{2,}/g, ' ').trim();
}

/** The name to show: the contact's (cleaned) name, else its formatted number. Never empty. */
export function displayName(contact: Pick<Contact, 'contact_id' | 'contact_name'>): string {
	const name = typeof contact.contact_name === 'string' ? cleanText(contact.contact_name) : '';
	return name || formatNumber(contact.contact_id) || 'Unnamed contact';
}

/** Longest name in a tree row or search row, and in an editor tab title. */
export const ROW_NAME_MAX = 80;
export const TAB_TITLE_MAX = 50;

/** At most `max` characters (code points, so no half emoji), with an ellipsis when cut. */
export function clip(text: string, max: number): string {
	if (text.length <= max) return text;
	const chars = Array.from(text);
	return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** A contact type as every surface shows it: `User`, `Business`, `Group`, another type capitalised, or `Unknown`. */
export function typeLabel(rawType: string | null | undefined, isGroup = false): string {
	const type = typeof rawType === 'string' ? cleanText(rawType) : '';
	switch (type.toLowerCase()) {
		case 'user':
			return 'User';
		case 'business':
			return 'Business';
		case 'group':
			return 'Group';
		case '':
			return isGroup ? 'Group' : 'Unknown';
		default:
			return clip(type.charAt(0).toUpperCase() + type.slice(1), 40);
	}
}

// Hebrew, Arabic, Syriac, Thaana, NKo and their presentation forms.
const RIGHT_TO_LEFT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe]/;

/**
 * The name for a one-line row (tree item, search result) where the number follows it: a
 * right-to-left name ends with a left-to-right mark, or the number after it is drawn as part
 * of the name ("+55 83778…" shown as "83778 … 55+").
 */
export function rowLabel(contact: Pick<Contact, 'contact_id' | 'contact_name'>): string {
	const name = clip(displayName(contact), ROW_NAME_MAX);
	return RIGHT_TO_LEFT.test(name) ? name + '\u200e' : name;
}

/** The id as the user wants it in code. */
export function formatContactId(contactId: string, format: IdFormat): string {
	return format === 'number' ? bareNumber(contactId) : contactId;
}

/** `https://wa.me/<number>` for a person; groups have no wa.me link. */
export function whatsAppUrl(contactId: string): string | undefined {
	if (contactId.endsWith('@g.us')) return undefined;
	const digits = bareNumber(contactId);
	return /^\d{6,15}$/.test(digits) ? `https://wa.me/${digits}` : undefined;
}

/** The view's count: "1,234 contacts" once complete, "400 of ~1,241" while pages remain. */
export function countSummary(loaded: number, total: number | undefined, complete: boolean): string {
	const n = (v: number) => v.toLocaleString('en-US');
	if (complete) return `${n(loaded)} contact${loaded === 1 ? '' : 's'}`;
	return total !== undefined && total > loaded ? `${n(loaded)} of ~${n(total)}` : `${n(loaded)} loaded`;
}

/** Short facts that hold for a contact, as every surface lists them. */
export function contactFlags(contact: Contact): string[] {
	const flags: string[] = [];
	if (contact.is_internal === true) flags.push('Internal');
	if (contact.is_my_contact === true) flags.push('In my contacts');
	if (contact.is_wa_contact === true) flags.push('On WhatsApp');
	else if (contact.is_wa_contact === false) flags.push('Not on WhatsApp');
	if (contact.is_imported === true) flags.push('Imported');
	if (contact.is_blocked === true) flags.push('Blocked');
	return flags;
}

/** `2025-01-20 11:36 UTC` (and the ISO value behind it), the raw text when it is not a date, or nulls. */
export function formatUpdated(value: unknown): { text: string | null; iso: string | null } {
	if (typeof value !== 'string' || !value.trim()) return { text: null, iso: null };
	const date = new Date(value);
	if (Number.isNaN(date.getTime())) return { text: value.trim(), iso: null };
	const iso = date.toISOString();
	return { text: `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`, iso };
}

/** How long ago, roughly: "moments", "5 min", "3 h", "2 days" (for "cached 3 h ago"). */
export function formatAge(ms: number): string {
	const minutes = Math.floor(Math.max(0, ms) / 60_000);
	if (minutes < 1) return 'moments';
	if (minutes < 60) return `${minutes} min`;
	const hours = Math.floor(minutes / 60);
	if (hours < 48) return `${hours} h`;
	return `${Math.floor(hours / 24)} days`;
}
