// Contacts restored from the persistent cache, kept as the file's columns until a row is asked
// for. A restore needs only each row's id (for the store's id map), type and labels (for the
// groups and their counts): those come straight from the columns, and the row objects (100,000
// of them, with their names and times) are built one at a time when something reads them (the
// tree, a hover, the search index's background slices). No `vscode` import.
import type { Contact } from '../api/types';

/**
 * One key's values.
 * - `text`: every value a string (or null), NUL-joined in `bytes`. Row r is bytes `starts[r]` to
 *   `starts[r + 1] - 1`, or `width` bytes from `r * (width + 1)` when every value has that many,
 *   decoded when read; the ids come split already (`values`).
 * - `dict`: `index[row]` into `distinct` (0: the row has no such key).
 * - `json`: one parsed array.
 */
export type Column =
	| {
			kind: 'text';
			bytes: Buffer;
			ascii: boolean;
			/** Bytes of every value, or 0 when they differ (then `starts` says where each begins). */
			width: number;
			starts: Int32Array | undefined;
			nulls: readonly number[];
			/** 1: null; 2: the row has no such key. */
			marks: Uint8Array | undefined;
			values: (string | null)[] | undefined;
	  }
	| { kind: 'dict'; distinct: readonly unknown[]; index: Uint8Array | Uint16Array | Uint32Array }
	| { kind: 'json'; values: readonly unknown[]; absent: Uint8Array | undefined };

function decodeOne(column: Extract<Column, { kind: 'text' }>, row: number): string {
	const encoding = column.ascii ? 'latin1' : 'utf8';
	const width = column.width;
	if (width > 0) return column.bytes.toString(encoding, row * (width + 1), row * (width + 1) + width);
	return column.bytes.toString(encoding, column.starts![row], column.starts![row + 1]! - 1);
}

const NO_VALUES: Column = { kind: 'json', values: [], absent: undefined };

function valueAt(column: Column, row: number): unknown {
	if (column.kind === 'dict') return column.distinct[column.index[row]!];
	if (column.kind === 'json') return column.values[row];
	if (column.values) return column.values[row];
	if (column.marks !== undefined && column.marks[row] === 1) return null;
	// One value decoded: a restore never decodes 100,000 names in one go.
	return decodeOne(column, row);
}

function absentAt(column: Column, row: number): boolean {
	if (column.kind === 'dict') return column.index[row] === 0;
	if (column.kind === 'json') return column.absent !== undefined && column.absent[row] === 1;
	return column.marks !== undefined && column.marks[row] === 2;
}

/** The fields every contact of the API has, in one order: rows with them are built by one object literal. */
export const CONTACT_KEYS = [
	'contact_id', 'contact_name', 'contact_type', 'contact_color', 'contact_image', 'is_imported', 'is_internal',
	'is_my_contact', 'is_wa_contact', 'label_ids', 'labels', 'org_id', 'updated_at',
] as const;
export type ContactKey = (typeof CONTACT_KEYS)[number];

/**
 * The rows of a cache file, checked by the decoder: every row has a non-empty string id and a
 * list of string labels (`id`, `labels` never fail); a repeated id is left to the store.
 */
export class CachedRows {
	private readonly standard: readonly Column[] | undefined;
	private readonly extra: [string, Column][];
	private readonly ids: Column;
	private readonly types: Column | undefined;
	private readonly labelColumn: Column;

	constructor(
		readonly count: number,
		columns: ReadonlyMap<string, Column>,
	) {
		// The decoder makes sure both exist when there are rows.
		this.ids = columns.get('contact_id') ?? NO_VALUES;
		this.labelColumn = columns.get('labels') ?? NO_VALUES;
		this.types = columns.get('contact_type');
		const standard = CONTACT_KEYS.every((k) => columns.has(k));
		this.standard = standard ? CONTACT_KEYS.map((k) => columns.get(k)!) : undefined;
		this.extra = [...columns].filter(([key]) => !(standard && (CONTACT_KEYS as readonly string[]).includes(key)));
	}

	id(row: number): string {
		return valueAt(this.ids, row) as string;
	}

	type(row: number): string | null {
		if (!this.types || absentAt(this.types, row)) return null;
		const type = valueAt(this.types, row);
		return typeof type === 'string' ? type : null;
	}

	/** Rows with the same label set share one array (the file's dictionary): never change it. */
	labels(row: number): readonly string[] {
		return valueAt(this.labelColumn, row) as string[];
	}

	/** A new object for the row, every time: the caller owns it. */
	contact(row: number): Contact {
		let contact: Contact;
		const s = this.standard;
		if (s) {
			// One literal: 100,000 objects of one shape instead of 1.3 million keyed stores.
			contact = {
				contact_id: valueAt(s[0]!, row) as string,
				contact_name: valueAt(s[1]!, row) as string | null,
				contact_type: valueAt(s[2]!, row) as string | null,
				contact_color: valueAt(s[3]!, row) as string | null,
				contact_image: valueAt(s[4]!, row) as string | null,
				is_imported: valueAt(s[5]!, row) as boolean | null,
				is_internal: valueAt(s[6]!, row) as boolean | null,
				is_my_contact: valueAt(s[7]!, row) as boolean | null,
				is_wa_contact: valueAt(s[8]!, row) as boolean | null,
				label_ids: valueAt(s[9]!, row) as Record<string, boolean> | null,
				labels: valueAt(s[10]!, row) as string[],
				org_id: valueAt(s[11]!, row) as string | null,
				updated_at: valueAt(s[12]!, row) as string | null,
			};
			for (let k = 0; k < s.length; k++) if (absentAt(s[k]!, row)) delete (contact as Record<string, unknown>)[CONTACT_KEYS[k]];
		} else contact = {} as Contact;
		for (const [key, column] of this.extra) if (!absentAt(column, row)) (contact as Record<string, unknown>)[key] = valueAt(column, row);
		return contact;
	}
}
