// The persistent cache's file format: the store's rows, column by column, compressed, behind a
// header that says whose contacts they are. Reading trusts nothing: a file that is cut short,
// altered, of another format version or of another account is refused with the reason, never
// half-read. No `vscode` import.
//
//   bytes 0..7    MAGIC ("PKCONT" + format version as two bytes)
//   bytes 8..11   header length H (uint32 BE)
//   H bytes       header JSON (CacheHeader)
//   the rest      deflate(body), body = column list length (uint32 BE), column list JSON
//                 ({ keys, columns: ColumnMeta[] }), then each column's bytes in order
//
// Columns, not objects: 100,000 rows share a dozen keys and few distinct types, colours and label
// sets (a byte each, as indices into the distinct values), and the strings that differ per row
// (ids, names, times) are one NUL-joined blob per key, split back in one call: no JSON.parse of
// 100,000 objects on the extension host.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { Contact } from '../api/types';

export const CACHE_FORMAT_VERSION = 1;
const MAGIC = Buffer.from([0x50, 0x4b, 0x43, 0x4f, 0x4e, 0x54, 0x00, CACHE_FORMAT_VERSION]); // "PKCONT" 0 1
const MAGIC_PREFIX = MAGIC.subarray(0, 6);
/** Files, headers and contents above these are refused as absurd, before anything is allocated for them. */
export const MAX_CACHE_FILE_BYTES = 256 * 1024 * 1024;
const MAX_HEADER_BYTES = 64 * 1024;
const MAX_RAW_BYTES = 1024 * 1024 * 1024;
const MAX_CONTACTS = 5_000_000;

const deflate = promisify(zlib.deflate);
/** zlib's async calls hand the thread pool 16 KB at a time by default: hundreds of round trips for a cache. */
const BIG_CHUNK = 1024 * 1024;
const inflate = promisify(zlib.inflate);

export interface CacheHeader {
	format: number;
	/** Whose contacts: a hash of the API origin and of the token (see accountKey), never either of them. */
	account: string;
	/** When the contacts were read from the API (ms since the epoch). */
	savedAt: number;
	count: number;
	/** The org's total as the API reported it, or -1. */
	total: number;
	/** The contacts are the whole org (a load that finished and proved it saw everyone). */
	complete: boolean;
	/** Bytes of the compressed body, of the JSON it holds, and the body's SHA-256 (hex). */
	bodyBytes: number;
	rawBytes: number;
	sha256: string;
}

export interface CacheContents {
	header: CacheHeader;
	contacts: Contact[];
}

export type DecodeResult = { ok: true; contents: CacheContents } | { ok: false; reason: string };

/**
 * How one key's values are stored. `text`: every value a string (or null), joined by NUL in one
 * blob: split back in one native call. `dict`: indices (1, 2 or 4 bytes each; 0 = no such key)
 * into the distinct values. `json`: anything else, as a JSON array.
 */
type ColumnMeta =
	| { kind: 'text'; bytes: number; ascii?: boolean; nulls?: number[]; absent?: number[] }
	| { kind: 'dict'; values: unknown[]; width: 1 | 2 | 4; bytes: number }
	| { kind: 'json'; bytes: number; absent?: number[] };

interface BodyMeta {
	keys: string[];
	columns: ColumnMeta[];
}

/** Yields to the event loop between columns, so a save of 100,000 rows never blocks long. */
export type Yield = () => Promise<void>;
/** One turn of the event loop: what a long decode or restore gives the extension host between batches. */
export const nextTurn: Yield = () => new Promise((resolve) => setImmediate(resolve));

/** Rows may be read-only and shared with the store: encoding never changes them. */
export async function encodeCache(
	contacts: readonly Contact[],
	meta: Pick<CacheHeader, 'account' | 'savedAt' | 'total' | 'complete'>,
	yieldNow: Yield = nextTurn,
): Promise<Buffer> {
	const keys = columnKeys(contacts);
	const columns: ColumnMeta[] = [];
	const blobs: Buffer[] = [];
	for (const key of keys) {
		const { meta, blob } = encodeColumn(contacts, key);
		columns.push(meta);
		blobs.push(blob);
		await yieldNow();
	}
	const list = Buffer.from(JSON.stringify({ keys, columns } satisfies BodyMeta), 'utf8');
	const listLength = Buffer.alloc(4);
	listLength.writeUInt32BE(list.length);
	const raw = Buffer.concat([listLength, list, ...blobs]);
	// zlib's async deflate runs on the thread pool: the extension host keeps answering meanwhile.
	// Level 1: a third of level 6's time for a slightly larger file (about 2.5 MB for 100,000 contacts).
	const body = await deflate(raw, { level: 1, chunkSize: BIG_CHUNK });
	const header: CacheHeader = {
		format: CACHE_FORMAT_VERSION,
		account: meta.account,
		savedAt: meta.savedAt,
		count: contacts.length,
		total: meta.total,
		complete: meta.complete,
		bodyBytes: body.length,
		rawBytes: raw.length,
		sha256: sha256(body),
	};
	const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
	const length = Buffer.alloc(4);
	length.writeUInt32BE(headerBytes.length);
	return Buffer.concat([MAGIC, length, headerBytes, body]);
}

/**
 * Reads the header alone (cheap): undefined with a reason when the bytes are not a cache file of
 * this format version for `account`.
 */
export function decodeHeader(file: Buffer, account: string): { ok: true; header: CacheHeader; bodyStart: number } | { ok: false; reason: string } {
	if (file.length > MAX_CACHE_FILE_BYTES) return { ok: false, reason: `it is ${mb(file.length)}, more than a cache can be` };
	if (file.length < MAGIC.length + 4 || !file.subarray(0, 6).equals(MAGIC_PREFIX)) return { ok: false, reason: 'it is not a Periskope contacts cache' };
	const version = file.readUInt16BE(6);
	if (version !== CACHE_FORMAT_VERSION) return { ok: false, reason: `it has format version ${version}, this version reads ${CACHE_FORMAT_VERSION}` };
	const headerLength = file.readUInt32BE(8);
	const bodyStart = 12 + headerLength;
	if (headerLength > MAX_HEADER_BYTES || bodyStart > file.length) return { ok: false, reason: 'its header is cut short or damaged' };
	let header: unknown;
	try {
		header = JSON.parse(file.toString('utf8', 12, bodyStart));
	} catch {
		return { ok: false, reason: 'its header is damaged' };
	}
	if (!isHeader(header)) return { ok: false, reason: 'its header is damaged' };
	if (header.format !== CACHE_FORMAT_VERSION) return { ok: false, reason: `it has format version ${header.format}` };
	if (header.account !== account) return { ok: false, reason: 'it belongs to another account' };
	if (header.count > MAX_CONTACTS || header.rawBytes > MAX_RAW_BYTES) return { ok: false, reason: `it claims ${header.count} contacts in ${mb(header.rawBytes)}, more than a cache can be` };
	if (file.length - bodyStart !== header.bodyBytes) return { ok: false, reason: `it is cut short or has bytes added (${file.length - bodyStart} bytes of contacts, the header says ${header.bodyBytes})` };
	return { ok: true, header, bodyStart };
}

/** The whole file: header, checksum, decompression (bounded by the header's size) and every column. */
export async function decodeCache(file: Buffer, account: string, yieldNow: Yield = nextTurn): Promise<DecodeResult> {
	const head = decodeHeader(file, account);
	if (!head.ok) return head;
	const { header, bodyStart } = head;
	const body = file.subarray(bodyStart);
	if (sha256(body) !== header.sha256) return { ok: false, reason: 'its checksum does not match (the file is damaged)' };
	let raw: Buffer;
	try {
		raw = await inflate(body, { maxOutputLength: Math.max(1, header.rawBytes), chunkSize: BIG_CHUNK });
	} catch (e) {
		return { ok: false, reason: `its contents do not decompress (${(e as Error).message})` };
	}
	if (raw.length !== header.rawBytes) return { ok: false, reason: 'its contents are not the size the header says' };
	const contacts = await decodeBody(raw, header.count, yieldNow);
	if (typeof contacts === 'string') return { ok: false, reason: contacts };
	return { ok: true, contents: { header, contacts } };
}

function columnKeys(contacts: readonly Contact[]): string[] {
	const keys = new Set<string>();
	for (const c of contacts) {
		// for-in over rows of one shape walks a cached key list: no array per row.
		// A field named __proto__ (JSON.parse makes it an own property) cannot be rebuilt safely: left out.
		for (const key in c) if (!keys.has(key) && key !== '__proto__') keys.add(key);
	}
	return [...keys];
}

const NUL = '\u0000';

function encodeColumn(contacts: readonly Contact[], key: string): { meta: ColumnMeta; blob: Buffer } {
	const count = contacts.length;
	const has = (c: Contact) => Object.prototype.hasOwnProperty.call(c, key);
	// Distinct values: strings by value, label lists and other objects by identity first (the
	// store shares one array per label set), then by their JSON.
	const byString = new Map<string, number>();
	const byObject = new Map<unknown, number>();
	const byJson = new Map<string, number>();
	const values: unknown[] = [];
	const indices = new Uint32Array(count);
	let distinctText = true;
	let dictionary = true;
	for (let row = 0; row < count; row++) {
		const contact = contacts[row]!;
		if (!has(contact)) continue; // 0: no such key
		const value = contact[key] ?? null;
		let index: number | undefined;
		if (typeof value === 'string') {
			index = byString.get(value);
			if (index === undefined) byString.set(value, (index = values.push(value) - 1));
		} else {
			if (value !== null) distinctText = false;
			index = byObject.get(value);
			if (index === undefined) {
				const json = JSON.stringify(value) ?? 'null';
				index = byJson.get(json);
				if (index === undefined) byJson.set(json, (index = values.push(value) - 1));
				byObject.set(value, index);
			}
		}
		indices[row] = index + 1;
		// Mostly distinct (ids, names, times): not worth a dictionary.
		if (values.length > 256 && values.length * 4 > row + 1) {
			dictionary = false;
			break;
		}
	}
	if (dictionary) {
		const width = values.length < 0xff ? 1 : values.length < 0xffff ? 2 : 4;
		const blob = Buffer.alloc(count * width);
		for (let row = 0; row < count; row++) {
			if (width === 1) blob[row] = indices[row]!;
			else if (width === 2) blob.writeUInt16LE(indices[row]!, row * 2);
			else blob.writeUInt32LE(indices[row]!, row * 4);
		}
		return { meta: { kind: 'dict', values, width, bytes: blob.length }, blob };
	}
	const absent: number[] = [];
	const nulls: number[] = [];
	const out: unknown[] = new Array(count);
	for (let row = 0; row < count; row++) {
		const contact = contacts[row]!;
		if (!has(contact)) {
			absent.push(row);
			out[row] = '';
			continue;
		}
		const value = contact[key] ?? null;
		if (value === null) nulls.push(row);
		else if (typeof value !== 'string' || value.includes(NUL)) distinctText = false;
		out[row] = value ?? '';
	}
	if (distinctText) {
		const text = out.join(NUL);
		const blob = Buffer.from(text, 'utf8');
		// Ids and times are ASCII: read back as latin1, which skips UTF-8 decoding.
		const ascii = blob.length === text.length;
		return { meta: { kind: 'text', bytes: blob.length, ...(ascii ? { ascii } : {}), ...(nulls.length ? { nulls } : {}), ...(absent.length ? { absent } : {}) }, blob };
	}
	for (const row of nulls) out[row] = null;
	const blob = Buffer.from(JSON.stringify(out), 'utf8');
	return { meta: { kind: 'json', bytes: blob.length, ...(absent.length ? { absent } : {}) }, blob };
}

/**
 * One key's values: `values[row]`, or for a dictionary column `distinct[index[row]]` (index 0 is
 * null: the row has no such key, listed in `absent`). Dictionary columns are never expanded into
 * an array per key: 100,000 rows would mean a dozen arrays of 100,000 for the GC.
 */
interface DecodedColumn {
	values: unknown[] | undefined;
	distinct: unknown[] | undefined;
	index: Uint8Array | Uint16Array | Uint32Array | undefined;
	absent: number[];
}

function valueAt(column: DecodedColumn, row: number): unknown {
	return column.values !== undefined ? column.values[row] : column.distinct![column.index![row]!];
}

/** Rebuilds the rows; a string says why the body is unusable. */
async function decodeBody(raw: Buffer, count: number, yieldNow: Yield): Promise<Contact[] | string> {
	if (raw.length < 4) return 'its contents are cut short';
	const metaEnd = 4 + raw.readUInt32BE(0);
	if (metaEnd > raw.length) return 'its contents are cut short';
	let meta: unknown;
	try {
		meta = JSON.parse(raw.toString('utf8', 4, metaEnd));
	} catch {
		return 'its column list is damaged';
	}
	if (!isObject(meta) || !Array.isArray(meta.keys) || !Array.isArray(meta.columns) || meta.keys.length !== meta.columns.length) {
		return 'its contents are not contact columns';
	}
	const keys = meta.keys as unknown[];
	const columns = meta.columns as unknown[];
	if (count > 0 && (!keys.includes('contact_id') || !keys.includes('labels'))) return 'its contents have no contact ids or labels';
	const byKey = new Map<string, DecodedColumn>();
	let offset = metaEnd;
	for (let k = 0; k < keys.length; k++) {
		const key = keys[k];
		const column = columns[k];
		if (typeof key !== 'string' || key === '__proto__' || byKey.has(key) || !isObject(column) || !isCount(column.bytes)) return 'a column is damaged';
		const end = offset + column.bytes;
		if (end > raw.length) return `column ${key} is cut short`;
		const decoded = decodeColumn(raw, offset, end, key, column, count);
		if (typeof decoded === 'string') return decoded;
		byKey.set(key, decoded);
		offset = end;
		await yieldNow();
	}
	if (offset !== raw.length) return 'its contents have bytes no column accounts for';
	const rows = await buildRows(byKey, count, yieldNow);
	const checked = new WeakSet<unknown[]>();
	for (const row of rows) {
		// What the store relies on: a string id and a list of string labels (a repeated id is
		// merged by the store like a repeated row of a page).
		const id = row.contact_id;
		if (typeof id !== 'string' || id === '') return 'a contact has no id';
		const labels = row.labels;
		if (!Array.isArray(labels)) return `contact ${id} has damaged labels`;
		// Rows share a labels array when it is a dictionary value (the store never changes one in place): check it once.
		if (checked.has(labels)) continue;
		if (!labels.every((l) => typeof l === 'string')) return `contact ${id} has damaged labels`;
		checked.add(labels);
	}
	return rows;
}

/** The fields every contact of the API has, in one order: rows with them are built by one object literal. */
const CONTACT_KEYS = [
	'contact_id', 'contact_name', 'contact_type', 'contact_color', 'contact_image', 'is_imported', 'is_internal',
	'is_my_contact', 'is_wa_contact', 'label_ids', 'labels', 'org_id', 'updated_at',
] as const;

/** Rows built between two turns of the event loop: a restore of 100,000 never blocks it for long. */
const ROWS_PER_TURN = 20_000;

async function buildRows(byKey: Map<string, DecodedColumn>, count: number, yieldNow: Yield): Promise<Contact[]> {
	const rows: Contact[] = new Array(count);
	const standard = CONTACT_KEYS.every((k) => byKey.has(k));
	if (standard) {
		// 100,000 objects of one shape from a literal, instead of 1.3 million keyed stores.
		const [a, b, c, d, e, f, g, h, i, j, k, l, m] = CONTACT_KEYS.map((key) => byKey.get(key)!);
		for (let row = 0; row < count; row++) {
			if (row % ROWS_PER_TURN === ROWS_PER_TURN - 1) await yieldNow();
			rows[row] = {
				contact_id: valueAt(a!, row) as string,
				contact_name: valueAt(b!, row) as string | null,
				contact_type: valueAt(c!, row) as string | null,
				contact_color: valueAt(d!, row) as string | null,
				contact_image: valueAt(e!, row) as string | null,
				is_imported: valueAt(f!, row) as boolean | null,
				is_internal: valueAt(g!, row) as boolean | null,
				is_my_contact: valueAt(h!, row) as boolean | null,
				is_wa_contact: valueAt(i!, row) as boolean | null,
				label_ids: valueAt(j!, row) as Record<string, boolean> | null,
				labels: valueAt(k!, row) as string[],
				org_id: valueAt(l!, row) as string | null,
				updated_at: valueAt(m!, row) as string | null,
			};
		}
	} else {
		for (let row = 0; row < count; row++) rows[row] = {} as Contact;
	}
	for (const [key, column] of byKey) {
		if (!(standard && (CONTACT_KEYS as readonly string[]).includes(key))) {
			for (let row = 0; row < count; row++) (rows[row] as Record<string, unknown>)[key] = valueAt(column, row);
		}
		for (const row of column.absent) delete (rows[row] as Record<string, unknown>)[key];
	}
	return rows;
}

function decodeColumn(raw: Buffer, start: number, end: number, key: string, column: Record<string, unknown>, count: number): DecodedColumn | string {
	const rowList = (list: unknown): number[] | undefined =>
		list === undefined ? [] : Array.isArray(list) && list.every((r) => typeof r === 'number' && Number.isInteger(r) && r >= 0 && r < count) ? (list as number[]) : undefined;
	const listed = rowList(column.absent);
	if (!listed) return `column ${key} is damaged`;
	if (column.kind === 'text') {
		const values: unknown[] = count === 0 ? [] : raw.toString(column.ascii === true ? 'latin1' : 'utf8', start, end).split(NUL);
		const nulls = rowList(column.nulls);
		if (values.length !== count || !nulls) return `column ${key} has ${values.length} rows, the header says ${count}`;
		for (const row of nulls) values[row] = null;
		return { values, distinct: undefined, index: undefined, absent: listed };
	}
	if (column.kind === 'dict') {
		const distinct = column.values;
		const width = column.width;
		if (!Array.isArray(distinct) || (width !== 1 && width !== 2 && width !== 4) || end - start !== count * width) return `column ${key} is damaged`;
		// An aligned copy of the indices (a Uint16Array or Uint32Array cannot view an odd offset).
		const bytes = raw.subarray(start, end);
		const index =
			width === 1 ? Uint8Array.from(bytes) : width === 2 ? new Uint16Array(new Uint8Array(bytes).buffer) : new Uint32Array(new Uint8Array(bytes).buffer);
		const absent: number[] = [];
		const limit = distinct.length;
		for (let row = 0; row < count; row++) {
			const at = index[row]!;
			if (at > limit) return `column ${key} is damaged`;
			if (at === 0) absent.push(row);
		}
		return { values: undefined, distinct: [null, ...distinct], index, absent };
	}
	if (column.kind === 'json') {
		let values: unknown;
		try {
			values = JSON.parse(raw.toString('utf8', start, end));
		} catch {
			return `column ${key} is damaged`;
		}
		if (!Array.isArray(values) || values.length !== count) return `column ${key} is damaged`;
		return { values, distinct: undefined, index: undefined, absent: listed };
	}
	return `column ${key} is of an unknown kind`;
}

function isHeader(value: unknown): value is CacheHeader {
	if (!isObject(value)) return false;
	const h = value as Record<string, unknown>;
	return (
		typeof h.format === 'number' &&
		typeof h.account === 'string' &&
		isCount(h.savedAt) &&
		isCount(h.count) &&
		typeof h.total === 'number' &&
		Number.isInteger(h.total) &&
		typeof h.complete === 'boolean' &&
		isCount(h.bodyBytes) &&
		isCount(h.rawBytes) &&
		typeof h.sha256 === 'string'
	);
}

function isCount(value: unknown): value is number {
	return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sha256(bytes: Buffer): string {
	return createHash('sha256').update(bytes).digest('hex');
}

function mb(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
