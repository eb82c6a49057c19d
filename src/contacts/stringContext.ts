// Where the text a user types as data starts on a line: inside a string literal, or the value
// of a key=value line in a settings-like file (.env, properties, YAML). Completion fires only
// there, and bare numbers count as contact ids only there. Line-based on purpose: cheap on
// every keystroke, and ids live in one-line strings. No `vscode` import.

const QUOTES = new Set(['"', "'", '`']);

/** Languages whose unquoted values are strings: `KEY=value`, `key: value`, `key = value`. */
const KEY_VALUE_LANGUAGES = new Set(['dotenv', 'env', 'properties', 'ini', 'yaml', 'java-properties', 'shellscript']);

/** Whether a document's unquoted values count as strings (by language, or a `.env*` file of any language). */
export function isKeyValueDocument(languageId: string, fileName: string): boolean {
	if (KEY_VALUE_LANGUAGES.has(languageId)) return true;
	const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
	return base === '.env' || base.startsWith('.env.') || base.endsWith('.env') || base.endsWith('.properties');
}

/** `KEY=`, `export KEY=`, `key: `, `- ` (a YAML list item): the value starts after it. */
const KEY_VALUE = /^\s*(?:export\s+)?(?:[\w.-]+\s*[=:]|-)\s*/;

/**
 * The column where the string (its content, after the opening quote) or key=value value holding
 * `col` starts, or -1 when `col` is in neither. `col` is a cursor position: between characters
 * col - 1 and col. An unterminated string runs to the end of the line (the user is typing it).
 */
export function stringStartAt(line: string, col: number, keyValue: boolean): number {
	let quote = '';
	let start = -1;
	const end = Math.min(col, line.length);
	for (let i = 0; i < end; i++) {
		const ch = line[i];
		if (quote) {
			if (ch === '\\') i++;
			else if (ch === quote) quote = '';
		} else if (QUOTES.has(ch)) {
			quote = ch;
			start = i + 1;
		}
	}
	if (quote && start <= col) return start;
	if (!keyValue) return -1;
	const m = KEY_VALUE.exec(line);
	if (!m) return -1;
	const valueStart = m[0].length;
	// A comment line, or the cursor still in the key.
	if (/^\s*[#;!]/.test(line) || col < valueStart) return -1;
	const comment = line.indexOf(' #', valueStart);
	return comment !== -1 && col > comment ? -1 : valueStart;
}
