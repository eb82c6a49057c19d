// Contact suggestions for a string the user is typing in code: answered from the store's search
// index (name, number or label), at most 50, best first, with what to insert in the user's id
// format. No network and no `vscode` import.
import type { Contact } from '../api/types';
import { cleanText, clip, displayName, formatContactId, formatNumber, IdFormat, typeLabel } from './format';
import { foldQuery } from './searchIndex';

export const COMPLETION_LIMIT = 50;
/** Typed characters before anything is suggested. */
export const COMPLETION_MIN_CHARS = 2;
/** Longer text in a string is a sentence, not a contact being looked up. */
export const COMPLETION_MAX_CHARS = 60;

export interface ContactSuggestion {
	contactId: string;
	/** The name, as plain text (the suggest widget does not render markup). */
	label: string;
	/** The formatted number (the type for a group, or when the label is the number already). */
	description: string;
	/** The id and the labels. */
	detail: string;
	insertText: string;
	/** Keeps our ranking in the widget: `0000`, `0001`, … */
	sortText: string;
}

/** The typed query inside a string, or undefined when it is too short or too long to look up. */
export function completionQuery(typed: string): string | undefined {
	const query = typed.trimStart();
	if (query.length > COMPLETION_MAX_CHARS) return undefined;
	const folded = foldQuery(query);
	return folded.length >= COMPLETION_MIN_CHARS ? query : undefined;
}

/** Suggestions for `query` from `search` (the store's), inserting ids in `format`. */
export function contactSuggestions(search: (query: string, limit: number) => Contact[], query: string, format: IdFormat, limit = COMPLETION_LIMIT): ContactSuggestion[] {
	return search(query, limit).map((c, i) => {
		const isGroup = c.contact_id.endsWith('@g.us');
		const labels = c.labels.length ? ` · ${clip(cleanText(c.labels.join(', ')), 80)}` : '';
		return {
			contactId: c.contact_id,
			label: clip(displayName(c), 80),
			// An unnamed contact's label is already its number.
			description: isGroup || !c.contact_name?.trim() ? typeLabel(c.contact_type, isGroup) : formatNumber(c.contact_id),
			detail: `${c.contact_id}${labels}`,
			insertText: formatContactId(c.contact_id, format),
			sortText: String(i).padStart(4, '0'),
		};
	});
}
