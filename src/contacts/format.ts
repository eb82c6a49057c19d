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

/** The name to show: the contact's name, else its formatted number. Never empty. */
export function displayName(contact: Pick<Contact, 'contact_id' | 'contact_name'>): string {
	const name = typeof contact.contact_name === 'string' ? contact.contact_name.trim() : '';
	return name || formatNumber(contact.contact_id);
}

// Hebrew, Arabic, Syriac, Thaana, NKo and their presentation forms.
const RIGHT_TO_LEFT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe]/;

/**
 * The name for a one-line row (tree item, search result) where the number follows it: a
 * right-to-left name ends with a left-to-right mark, or the number after it is drawn as part
 * of the name ("+55 83778…" shown as "83778 … 55+").
 */
export function rowLabel(contact: Pick<Contact, 'contact_id' | 'contact_name'>): string {
	const name = displayName(contact);
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
