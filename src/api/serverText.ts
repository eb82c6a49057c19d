// Text that came from the server (error messages, trace ids) becomes plain text here, once,
// before any UI sees it: VS Code renders `[x](command:…)` links in notifications and
// `$(icon)` in many labels, and a hostile or broken server must not be able to use either.

// eslint-disable-next-line no-control-regex -- control characters are what this removes
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) and marks that reorder text. */
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
const ZWSP = '\u200b';

/**
 * One line of plain text, at most `max` characters: control and bidi characters removed,
 * link and icon syntax broken with a zero-width space (still reads the same), the token cut out.
 */
export function plainServerText(text: string, max = 300, secret?: string): string {
	let s = text;
	if (secret && secret.length >= 4) s = s.split(secret).join('***');
	s = s.replace(/[\r\n\t]+/g, ' ').replace(CONTROL, '').replace(BIDI, '');
	s = neutraliseMarkup(s).trim();
	return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** `](` and `$(` lose their meaning to VS Code's renderers; `<` to none (nothing here is HTML). */
export function neutraliseMarkup(s: string): string {
	return s.replace(/\]\(/g, `]${ZWSP}(`).replace(/\$\(/g, `$${ZWSP}(`);
}

/** A trace id is shown only when it looks like one (uuid, hex, base64url-ish), else dropped. */
export function traceIdOf(value: string | null | undefined): string | undefined {
	if (!value) return undefined;
	const id = value.trim();
	return /^[A-Za-z0-9][A-Za-z0-9._:-]{3,127}$/.test(id) ? id : undefined;
}
