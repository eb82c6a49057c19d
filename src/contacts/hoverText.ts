// The Markdown of a contact's hover in the editor. Every text that came from the server (name,
// type, labels) and the id itself is escaped, so `[x](command:…)`, `<img …>` or `**` show as
// typed; the only links are our own commands, whose arguments are JSON, percent-encoded.
// No `vscode` import: the host wraps it in a MarkdownString trusting only those commands.
import type { Contact } from '../api/types';
import { cleanText, clip, contactFlags, displayName, formatNumber, typeLabel } from './format';

/** Backslash before every ASCII punctuation character: CommonMark then takes each literally (no links, emphasis, HTML, entities, autolinks). */
export function escapeMarkdown(text: string): string {
	return text.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** `command:<id>?<JSON args>`, with the characters Markdown link syntax would read percent-encoded too. */
export function commandLink(command: string, args: unknown[]): string {
	const query = encodeURIComponent(JSON.stringify(args)).replace(/[()'!*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
	return `command:${command}?${query}`;
}

export interface HoverCommands {
	open: string;
	reveal: string;
	copy: string;
}

/** Longest name and label list shown in a hover. */
const NAME_MAX = 120;
const LABELS_MAX = 200;

/**
 * The hover for `contact`, found for the id `contactId` written in the document (links act on
 * that id). `inView` says whether the contact is in the Contacts view (else no "Reveal" link).
 */
export function contactHoverMarkdown(contact: Contact, contactId: string, commands: HoverCommands, inView: boolean): string {
	const isGroup = contactId.endsWith('@g.us');
	const name = clip(displayName(contact), NAME_MAX);
	const lines: string[] = [];
	lines.push(`**${escapeMarkdown(name)}** · ${escapeMarkdown(typeLabel(contact.contact_type, isGroup))}`);
	const number = isGroup ? '' : `${escapeMarkdown(formatNumber(contactId))} · `;
	lines.push(`${number}${escapeMarkdown(contactId)}`);
	const labels = contact.labels.map((l) => cleanText(l)).filter(Boolean);
	if (labels.length) lines.push(`Labels: ${escapeMarkdown(clip(labels.join(', '), LABELS_MAX))}`);
	const flags = contactFlags(contact);
	if (flags.length) lines.push(escapeMarkdown(flags.join(' · ')));
	const links = [`[Open details](${commandLink(commands.open, [contactId])} "Open the contact's details")`];
	if (inView) links.push(`[Reveal in Contacts view](${commandLink(commands.reveal, [contactId])} "Select it in the Contacts view")`);
	links.push(`[Copy ID](${commandLink(commands.copy, [contactId])} "Copy the contact id")`);
	lines.push(links.join(' · '));
	// Separate paragraphs: one fact per line, whatever the renderer does with single newlines.
	return lines.join('\n\n');
}
