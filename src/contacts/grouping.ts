// Which groups a contact belongs to, per grouping mode. Keys are raw and stable (they go
// into tree ids); labels are case-insensitive, so their key is the lowercased name.
import type { Contact } from '../api/types';
import { clip, cleanText, typeLabel } from './format';

export type GroupBy = 'type' | 'label';

/** Keys of the catch-all groups. The `\u0000` prefix cannot collide with a real type or label. */
export const UNKNOWN_TYPE_KEY = '\u0000unknown';
export const UNLABELED_KEY = '\u0000unlabeled';

const KNOWN_TYPES = ['user', 'business'];

export function groupKeysOf(contact: Contact, by: GroupBy): string[] {
	return by === 'type' ? typeGroupKeys(contact.contact_type) : labelGroupKeys(contact.labels);
}

export function typeGroupKeys(contactType: string | null | undefined): string[] {
	const type = typeof contactType === 'string' ? contactType.trim().toLowerCase() : '';
	return [type || UNKNOWN_TYPE_KEY];
}

export function labelGroupKeys(labels: readonly string[]): string[] {
	if (labels.length === 0) return [UNLABELED_KEY];
	if (labels.length === 1) return [labels[0].trim().toLowerCase() || UNLABELED_KEY];
	return [...new Set(labels.map((l) => l.trim().toLowerCase() || UNLABELED_KEY))];
}

/** The label shown for a group key; `seen` is a display name met for it (first casing wins). */
export function groupLabel(key: string, by: GroupBy, seen: string | undefined): string {
	if (key === UNKNOWN_TYPE_KEY) return 'Unknown type';
	if (key === UNLABELED_KEY) return 'Unlabeled';
	if (by === 'type') {
		if (key === 'user') return 'Users';
		if (key === 'business') return 'Businesses';
		return typeLabel(seen ?? key);
	}
	return clip(cleanText(seen ?? key), 80);
}

/** Group order: users, businesses, other types A-Z, unknown last; labels A-Z, unlabeled last. */
export function compareGroupKeys(a: string, b: string, by: GroupBy): number {
	const rank = (key: string) => {
		if (key.startsWith('\u0000')) return 3;
		if (by === 'type') {
			const i = KNOWN_TYPES.indexOf(key);
			return i === -1 ? 2 : i;
		}
		return 2;
	};
	return rank(a) - rank(b) || a.localeCompare(b);
}
