// What "Edit Labels…" on one or more contacts means, as pure rules. Periskope's
// `PATCH /contacts/labels` REPLACES every label of the contacts it is given (labels are
// case-insensitive; unknown ones are created). So each contact's new list is worked out here,
// labels the selected contacts disagree on are kept per contact unless the user removes them
// (never flattened), contacts ending with the same list share one request, and the
// confirmation says exactly what happens. No `vscode` import.
import type { Contact } from '../api/types';
import { cleanText, clip, displayName } from './format';

/** One row of the label picker. */
export interface LabelChoice {
	/** The label as shown (the first casing met). */
	label: string;
	/** Lowercased: labels are case-insensitive. */
	key: string;
	/** How many of the selected contacts have it. */
	on: number;
	/** Picked at the start: every label at least one selected contact has. */
	picked: boolean;
}

export const labelKey = (label: string): string => label.trim().toLowerCase();

/** A label the API can take: not empty, no comma (the API joins labels with commas). */
export function labelProblem(label: string): string | undefined {
	if (!label.trim()) return 'A label cannot be empty.';
	if (label.includes(',')) return 'A label cannot contain a comma (Periskope separates labels with commas).';
	if (label.trim().length > 100) return 'A label can be at most 100 characters.';
	return undefined;
}

/**
 * The picker's rows: the selected contacts' labels first (most common first), then the other
 * known labels of the org, A–Z. `known` are label names seen in loaded contacts.
 */
export function labelChoices(contacts: readonly Contact[], known: readonly string[]): LabelChoice[] {
	const byKey = new Map<string, LabelChoice>();
	for (const contact of contacts) {
		const seen = new Set<string>();
		for (const raw of contact.labels) {
			const key = labelKey(raw);
			if (!key || seen.has(key)) continue;
			seen.add(key);
			const choice = byKey.get(key) ?? { label: raw.trim(), key, on: 0, picked: true };
			choice.on++;
			byKey.set(key, choice);
		}
	}
	const mine = [...byKey.values()].sort((a, b) => b.on - a.on || a.label.localeCompare(b.label));
	const others: LabelChoice[] = [];
	for (const raw of known) {
		const key = labelKey(raw);
		if (!key || byKey.has(key)) continue;
		const choice = { label: raw.trim(), key, on: 0, picked: false };
		byKey.set(key, choice);
		others.push(choice);
	}
	others.sort((a, b) => a.label.localeCompare(b.label));
	return [...mine, ...others];
}

/** What the user's picks do to each contact. */
export interface LabelPlan {
	/** Each selected contact with its labels now and after. */
	changes: { contact: Contact; before: string[]; after: string[] }[];
	/** Labels every contact ends with. */
	common: string[];
	/** Labels given to contacts that did not have them. */
	added: string[];
	/** Labels taken away from contacts that had them. */
	removed: string[];
	/** Labels the contacts disagreed on and keep per contact: name and on how many. */
	kept: { label: string; on: number }[];
	/** Picked labels the org has not seen yet: Periskope creates them. */
	created: string[];
}

/**
 * Each contact's labels after the edit, from the picked labels (display names, any casing):
 * a picked label every contact had, or none had, goes to all; a picked label only some had stays
 * on those (it was shown as such); an unpicked label goes from everyone. A contact keeps its own
 * order and casing for labels it keeps; new ones follow in the order picked.
 */
export function planLabels(contacts: readonly Contact[], picked: readonly string[], known: readonly string[]): LabelPlan {
	const choices = new Map(labelChoices(contacts, known).map((c) => [c.key, c]));
	const pickedKeys = new Map<string, string>();
	for (const raw of picked) {
		const key = labelKey(raw);
		if (key && !pickedKeys.has(key)) pickedKeys.set(key, choices.get(key)?.label ?? raw.trim());
	}
	const total = contacts.length;
	const toAll = [...pickedKeys].filter(([key]) => {
		const on = choices.get(key)?.on ?? 0;
		return on === 0 || on === total;
	});
	const changes = contacts.map((contact) => {
		const before = [...contact.labels];
		const after: string[] = [];
		const have = new Set<string>();
		for (const raw of before) {
			const key = labelKey(raw);
			if (!key || have.has(key) || !pickedKeys.has(key)) continue;
			have.add(key);
			after.push(raw.trim());
		}
		for (const [key, label] of toAll) {
			if (have.has(key)) continue;
			have.add(key);
			after.push(label);
		}
		return { contact, before, after };
	});
	const knownKeys = new Set(known.map(labelKey));
	const added: string[] = [];
	const removed: string[] = [];
	const kept: { label: string; on: number }[] = [];
	for (const [key, label] of pickedKeys) {
		const on = choices.get(key)?.on ?? 0;
		if (on < total && toAll.some(([k]) => k === key)) added.push(label);
		else if (on > 0 && on < total) kept.push({ label, on });
	}
	for (const choice of choices.values()) if (choice.on > 0 && !pickedKeys.has(choice.key)) removed.push(choice.label);
	return {
		changes,
		common: toAll.map(([, label]) => label),
		added,
		removed,
		kept,
		created: [...pickedKeys].filter(([key]) => !knownKeys.has(key) && !choices.get(key)?.on).map(([, label]) => label),
	};
}

/** True when the plan changes nobody's labels (case and order aside). */
export function planIsEmpty(plan: LabelPlan): boolean {
	return plan.changes.every((c) => sameLabels(c.before, c.after));
}

export function sameLabels(a: readonly string[], b: readonly string[]): boolean {
	const ka = new Set(a.map(labelKey).filter(Boolean));
	const kb = new Set(b.map(labelKey).filter(Boolean));
	return ka.size === kb.size && [...ka].every((k) => kb.has(k));
}

/** The requests: contacts that end with the same labels share one `PATCH /contacts/labels`. Unchanged contacts are left out. */
export function labelBatches(plan: LabelPlan): { labels: string[]; contacts: Contact[] }[] {
	const batches = new Map<string, { labels: string[]; contacts: Contact[] }>();
	for (const { contact, before, after } of plan.changes) {
		if (sameLabels(before, after)) continue;
		const key = after.map(labelKey).sort().join('\u0000');
		const batch = batches.get(key) ?? { labels: after, contacts: [] };
		batch.contacts.push(contact);
		batches.set(key, batch);
	}
	return [...batches.values()];
}

const list = (labels: readonly string[]) => (labels.length ? labels.map((l) => clip(cleanText(l), 40)).join(', ') : 'none');

/**
 * The confirmation, in words: how many contacts, what their labels become, what is removed;
 * labels the contacts disagree on are named as kept per contact, never hidden.
 * E.g. "3 contacts: labels become vip, lead; removed: support".
 */
export function describePlan(plan: LabelPlan): { title: string; detail: string } {
	const n = plan.changes.length;
	const who = n === 1 ? clip(displayName(plan.changes[0].contact), 60) : `${n.toLocaleString('en-US')} contacts`;
	const removed = plan.removed.length ? `; removed: ${list(plan.removed)}` : '';
	let title: string;
	if (plan.kept.length === 0) {
		title = `${who}: labels become ${list(plan.common)}${removed}`;
	} else {
		const kept = plan.kept.map((k) => `${clip(cleanText(k.label), 40)} (on ${k.on} of ${n})`).join(', ');
		const added = plan.added.length ? `; added to all: ${list(plan.added)}` : '';
		title = `${who} have different labels: kept as they are: ${kept}${added}${removed}`;
	}
	const lines = ['Periskope replaces all labels of each contact with the new list (labels are case-insensitive).'];
	if (plan.created.length) lines.push(`New labels are created: ${list(plan.created)}.`);
	if (n > 1 && plan.kept.length) {
		const shown = plan.changes.slice(0, 5).map((c) => `${clip(displayName(c.contact), 40)}: ${list(c.after)}`);
		if (n > 5) shown.push(`… and ${n - 5} more`);
		lines.push(...shown);
	}
	return { title, detail: lines.join('\n') };
}
