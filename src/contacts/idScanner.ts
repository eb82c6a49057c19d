// Finds contact ids in text: `<digits>@c.us` (a person), `<digits>@g.us` (a group, also the
// older `<number>-<timestamp>@g.us`), and bare 8–15 digit numbers inside string literals (or
// key=value values) that match a known contact. One regular expression over the whole text; a
// bare number costs a map lookup, and a look at its line only when it is known. No `vscode`.
import { stringStartAt } from './stringContext';

export type IdKind = 'contact' | 'group' | 'bare';

export interface IdMatch {
	/** Offsets in the text scanned: [start, end). */
	start: number;
	end: number;
	/** The full id (`919537851844@c.us`), also for a bare number. */
	contactId: string;
	kind: IdKind;
}

export interface ScanOptions {
	/** Whether `<digits>@c.us` is a known contact; without it, bare numbers are never ids. */
	isKnown?(contactId: string): boolean;
	/** Unquoted values of key=value lines count as strings (.env, properties, YAML). */
	keyValue?: boolean;
	/** Stop after this many matches (a huge generated file); default 10,000. */
	limit?: number;
}

// Not preceded by a word character or a dot (part of a longer token or a decimal); a bare
// number is not followed by more digits, a letter or `@`.
const IDS = /(?<![\w.])(?:(\d{5,20}(?:-\d{5,15})?)@([cg])\.us(?![\w@])|(\d{8,15})(?![\w@]))/g;

/** Every contact id in `text`, in order. */
export function scanIds(text: string, options: ScanOptions = {}): IdMatch[] {
	const out: IdMatch[] = [];
	const limit = options.limit ?? 10_000;
	const { isKnown } = options;
	const re = new RegExp(IDS.source, 'g');
	let m: RegExpExecArray | null;
	while ((m = re.exec(text)) !== null && out.length < limit) {
		if (m[1] !== undefined) {
			out.push({ start: m.index, end: m.index + m[0].length, contactId: m[0], kind: m[2] === 'g' ? 'group' : 'contact' });
			continue;
		}
		if (!isKnown) continue;
		const contactId = `${m[3]}@c.us`;
		if (!isKnown(contactId)) continue;
		const lineStart = text.lastIndexOf('\n', m.index) + 1;
		let lineEnd = text.indexOf('\n', m.index);
		if (lineEnd === -1) lineEnd = text.length;
		const line = text.slice(lineStart, lineEnd);
		// Inside a string: the string holding the number's first digit must hold its last one too.
		const col = m.index - lineStart;
		const start = stringStartAt(line, col + 1, options.keyValue ?? false);
		if (start === -1 || start > col || stringStartAt(line, col + m[3].length, options.keyValue ?? false) !== start) continue;
		out.push({ start: m.index, end: m.index + m[0].length, contactId, kind: 'bare' });
	}
	return out;
}

/** Longest line scanned whole for the id under a cursor; a longer one (minified) only near it. */
const LONG_LINE = 4000;

/** The id under a cursor at `col` of `line` (touching it from either side), or undefined. */
export function idAt(line: string, col: number, options: ScanOptions = {}): IdMatch | undefined {
	if (line.length <= LONG_LINE) return scanIds(line, options).find((m) => m.start <= col && col <= m.end);
	// Full ids only, from a window around the cursor: a bare number's string needs the whole line.
	const from = Math.max(0, col - 64);
	const to = Math.min(line.length, col + 64);
	const found = scanIds(line.slice(from, to)).find((m) => m.start + from <= col && col <= m.end + from && (m.start > 0 || from === 0) && (m.end < to - from || to === line.length));
	return found && { ...found, start: found.start + from, end: found.end + from };
}
