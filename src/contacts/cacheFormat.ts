// The persistent cache's file format: the store's rows, column by column, compressed, behind a
// header that says whose contacts they are. Reading trusts nothing: a file that is cut short,
// altered, of another format version or of another account is refused with the reason, never
// half-read. No `vscode` import.
//
//   bytes 0..7    MAGIC ("PKCONT" + format version as two bytes)
//   bytes 8..11   header length H (uint32 BE)
//   H bytes       header JSON (CacheHeader)
//   the rest      the body: column list length (uint32 BE), column list JSON
//                 ({ keys, columns: ColumnMeta[] }), then each column's bytes, deflated on its own
//
// Columns, not objects: 100,000 rows share a dozen keys and few distinct types, colours and label
// sets (a byte each, as indices into the distinct values), and the strings that differ per row
// (ids, names, times) are one NUL-joined blob per key: the ids are split back in one call, the
// others decoded one value at a time when a row is built. No JSON.parse of 100,000 objects. Each column is compressed on its own, on the thread pool,
// while the next one is encoded (and all are inflated at once on a restore): the zlib work
// overlaps the JavaScript instead of following it. A restore hands back the columns
// (CachedRows): the row objects are built when something reads them.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { Contact } from '../api/types';
import { CachedRows, Column, ContactKey } from './cachedRows';

export const CACHE_FORMAT_VERSION = 2;
const MAGIC = Buffer.from([0x50, 0x4b, 0x43, 0x4f, 0x4e, 0x54, 0x00, CACHE_FORMAT_VERSION]); // "PKCONT" 0 2
const MAGIC_PREFIX = MAGIC.subarray(0, 6);
/** Files, headers and contents above these are refused as absurd, before anything is allocated for them. */
export const MAX_CACHE_FILE_BYTES = 256 * 1024 * 1024;
const MAX_HEADER_BYTES = 64 * 1024;
const MAX_RAW_BYTES = 1024 * 1024 * 1024;
const MAX_CONTACTS = 5_000_000;

const deflate = promisify(zlib.deflate);
const inflate = promisify(zlib.inflate);
/** zlib's async calls hand the thread pool 16 KB at a time by default: hundreds of round trips for a cache. */
const BIG_CHUNK = 1024 * 1024;

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
	/** Bytes of the body, of its columns once inflated, and the body's SHA-256 (hex). */
	bodyBytes: number;
	rawBytes: number;
	sha256: string;
}

export interface CacheContents {
	header: CacheHeader;
	rows: CachedRows;
}

export type DecodeResult = { ok: true; contents: CacheContents } | { ok: false; reason: string };

/**
 * How one key's values are stored (`bytes` once inflated, `stored` in the file). `text`: every
 * value a string (or null), joined by NUL in one blob (`width`: every value has that many bytes).
 * `dict`: indices (1, 2 or 4 bytes each; 0 = no such key) into the distinct values. `json`:
 * anything else, as a JSON array.
 */
type ColumnMeta =
	| { kind: 'text'; bytes: number; stored: number; ascii?: boolean; width?: number; nulls?: number[]; absent?: number[] }
	| { kind: 'dict'; values: unknown[]; width: 1 | 2 | 4; bytes: number; stored: number }
	| { kind: 'json'; bytes: number; stored: number; absent?: number[] };

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
	const compressed: Promise<Buffer>[] = [];
	let rawBytes = 0;
	for (const key of keys) {
		const { meta, blob } = encodeColumn(contacts, key);
		columns.push(meta);
		rawBytes += blob.length;
		// On the thread pool while the next column is encoded. Level 1: a third of level 6's time
		// for a slightly larger file (about 2 MB for 100,000 contacts).
		compressed.push(deflate(blob, { level: 1, chunkSize: BIG_CHUNK }));
		await yieldNow();
	}
	const blobs = await Promise.all(compressed);
	blobs.forEach((blob, k) => (columns[k]!.stored = blob.length));
	const list = Buffer.from(JSON.stringify({ keys, columns } satisfies BodyMeta), 'utf8');
	const listLength = Buffer.alloc(4);
	listLength.writeUInt32BE(list.length);
	const body = Buffer.concat([listLength, list, ...blobs]);
	const header: CacheHeader = {
		format: CACHE_FORMAT_VERSION,
		account: meta.account,
		savedAt: meta.savedAt,
		count: contacts.length,
		total: meta.total,
		complete: meta.complete,
		bodyBytes: body.length,
		rawBytes,
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

/**
 * The whole file: header, checksum, every column inflated (at once, on the thread pool; each
 * bounded by its stated size) and checked. The rows are built later, when read (CachedRows).
 */
export async function decodeCache(file: Buffer, account: string, yieldNow: Yield = nextTurn): Promise<DecodeResult> {
	const head = decodeHeader(file, account);
	if (!head.ok) return head;
	const { header, bodyStart } = head;
	const body = file.subarray(bodyStart);
	if (sha256(body) !== header.sha256) return { ok: false, reason: 'its checksum does not match (the file is damaged)' };
	if (body.length < 4) return { ok: false, reason: 'its contents are cut short' };
	const metaEnd = 4 + body.readUInt32BE(0);
	if (metaEnd > body.length) return { ok: false, reason: 'its contents are cut short' };
	let meta: unknown;
	try {
		meta = JSON.parse(body.toString('utf8', 4, metaEnd));
	} catch {
		return { ok: false, reason: 'its column list is damaged' };
	}
	if (!isObject(meta) || !Array.isArray(meta.keys) || !Array.isArray(meta.columns) || meta.keys.length !== meta.columns.length) {
		return { ok: false, reason: 'its contents are not contact columns' };
	}
	const keys = meta.keys as unknown[];
	const metas = meta.columns as unknown[];
	const count = header.count;
	if (count > 0 && (!keys.includes('contact_id') || !keys.includes('labels'))) return { ok: false, reason: 'its contents have no contact ids or labels' };
	// Sizes first: nothing is inflated unless every column's stated size adds up.
	let offset = metaEnd;
	let rawBytes = 0;
	const spans: [number, number][] = [];
	for (let k = 0; k < keys.length; k++) {
		const key = keys[k];
		const column = metas[k];
		if (typeof key !== 'string' || key === '__proto__' || keys.indexOf(key) !== k || !isObject(column) || !isCount(column.bytes) || !isCount(column.stored)) {
			return { ok: false, reason: 'a column is damaged' };
		}
		if (offset + column.stored > body.length) return { ok: false, reason: `column ${key} is cut short` };
		spans.push([offset, offset + column.stored]);
		offset += column.stored;
		rawBytes += column.bytes;
	}
	if (offset !== body.length) return { ok: false, reason: 'its contents have bytes no column accounts for' };
	if (rawBytes !== header.rawBytes) return { ok: false, reason: 'its contents are not the size the header says' };
	let raws: Buffer[];
	try {
		raws = await Promise.all(
			spans.map(([start, end], k) => inflate(body.subarray(start, end), { maxOutputLength: Math.max(1, (metas[k] as { bytes: number }).bytes), chunkSize: BIG_CHUNK })),
		);
	} catch (e) {
		return { ok: false, reason: `its contents do not decompress (${(e as Error).message})` };
	}
	const columns = new Map<string, Column>();
	for (let k = 0; k < keys.length; k++) {
		const key = keys[k] as string;
		const raw = raws[k]!;
		const column = metas[k] as Record<string, unknown>;
		if (raw.length !== column.bytes) return { ok: false, reason: `column ${key} is not the size the header says` };
		const decoded = decodeColumn(raw, key, column, count);
		if (typeof decoded === 'string') return { ok: false, reason: decoded };
		columns.set(key, decoded);
		// The ids' split and the names' scan take a few ms each: a turn between columns.
		await yieldNow();
	}
	const rows = new CachedRows(count, columns);
	const damaged = checkRows(rows, columns.get('labels'));
	if (damaged) return { ok: false, reason: damaged };
	return { ok: true, contents: { header, rows } };
}

/** What the store relies on: a non-empty string id and a list of string labels on every row. */
function checkRows(rows: CachedRows, labels: Column | undefined): string | undefined {
	for (let row = 0; row < rows.count; row++) {
		const id = rows.id(row);
		if (typeof id !== 'string' || id === '') return 'a contact has no id';
	}
	if (!labels || rows.count === 0) return undefined;
	// Label sets are dictionary values, shared by rows: each is checked once.
	const isLabels = (value: unknown) => Array.isArray(value) && value.every((l) => typeof l === 'string');
	if (labels.kind === 'dict') {
		const used = new Uint8Array(labels.distinct.length);
		for (let row = 0; row < rows.count; row++) used[labels.index[row]!] = 1;
		for (let at = 0; at < used.length; at++) if (used[at] === 1 && !isLabels(labels.distinct[at])) return 'a contact has damaged labels';
		return undefined;
	}
	if (labels.kind === 'json' && labels.absent === undefined && labels.values.every(isLabels)) return undefined;
	return 'a contact has damaged labels';
}

function columnKeys(contacts: readonly Contact[]): string[] {
	const keys = new Set<string>();
	let previous: string[] = [];
	for (const c of contacts) {
		// Rows mostly have the keys of the row before, in its order: one walk of string compares.
		let i = 0;
		let same = true;
		for (const key in c) {
			if (key !== previous[i++]) {
				same = false;
				break;
			}
		}
		if (same && i === previous.length) continue;
		previous = [];
		// A field named __proto__ (JSON.parse makes it an own property) cannot be rebuilt safely: left out.
		for (const key in c) {
			previous.push(key);
			if (key !== '__proto__' && Object.prototype.hasOwnProperty.call(c, key)) keys.add(key);
		}
	}
	// The big columns first: their compression then runs while the small ones are encoded.
	return [...keys].sort((a, b) => (BIG_FIRST.get(a) ?? BIG_FIRST.size) - (BIG_FIRST.get(b) ?? BIG_FIRST.size));
}

const BIG_FIRST = new Map(['updated_at', 'contact_id', 'contact_name'].map((key, i) => [key, i]));

/** Plain property reads for the API's fields (a keyed read per row and key is several times slower). */
const READERS: Record<ContactKey, (c: Contact) => unknown> = {
	contact_id: (c) => c.contact_id,
	contact_name: (c) => c.contact_name,
	contact_type: (c) => c.contact_type,
	contact_color: (c) => c.contact_color,
	contact_image: (c) => c.contact_image,
	is_imported: (c) => c.is_imported,
	is_internal: (c) => c.is_internal,
	is_my_contact: (c) => c.is_my_contact,
	is_wa_contact: (c) => c.is_wa_contact,
	label_ids: (c) => c.label_ids,
	labels: (c) => c.labels,
	org_id: (c) => c.org_id,
	updated_at: (c) => c.updated_at,
};

function encodeColumn(contacts: readonly Contact[], key: string): { meta: ColumnMeta; blob: Buffer } {
	const count = contacts.length;
	// undefined: the row has no such key (JSON has no undefined values).
	const read = Object.prototype.hasOwnProperty.call(READERS, key)
		? READERS[key as ContactKey]
		: (c: Contact) => (Object.prototype.hasOwnProperty.call(c, key) ? (c[key] ?? null) : undefined);
	// Distinct values: strings by value, label lists and other objects by identity first (the
	// store shares one array per label set), then by their JSON; true, false and null in slots.
	const byString = new Map<string, number>();
	const byObject = new Map<unknown, number>();
	const byJson = new Map<string, number>();
	const constants = [0, 0, 0]; // null, false, true: index + 1, 0 until met
	const values: unknown[] = [];
	const indices = new Uint32Array(count);
	let dictionary = true;
	for (let row = 0; row < count; row++) {
		const value = read(contacts[row]!);
		if (value === undefined) continue; // 0: no such key
		let index: number | undefined;
		if (typeof value === 'string') {
			index = byString.get(value);
			if (index === undefined) byString.set(value, (index = values.push(value) - 1));
		} else if (value === null || typeof value === 'boolean') {
			const slot = value === null ? 0 : value ? 2 : 1;
			index = constants[slot]! - 1;
			if (index < 0) constants[slot] = (index = values.push(value) - 1) + 1;
		} else {
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
		// The typed-array constructors convert natively (`from` walks an iterator).
		const packed = width === 1 ? new Uint8Array(indices) : width === 2 ? new Uint16Array(indices) : indices;
		const blob = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
		return { meta: { kind: 'dict', values, width, bytes: blob.length, stored: 0 }, blob };
	}
	const absent: number[] = [];
	const nulls: number[] = [];
	const text = encodeText(contacts, read, absent, nulls);
	if (text) {
		const { blob, ascii, width } = text;
		const meta: ColumnMeta = { kind: 'text', bytes: blob.length, stored: 0, ...(ascii ? { ascii } : {}), ...(width ? { width } : {}), ...(nulls.length ? { nulls } : {}), ...(absent.length ? { absent } : {}) };
		return { meta, blob };
	}
	const out: unknown[] = new Array(count);
	for (let row = 0; row < count; row++) out[row] = read(contacts[row]!) ?? '';
	for (const row of nulls) out[row] = null;
	const blob = Buffer.from(JSON.stringify(out), 'utf8');
	return { meta: { kind: 'json', bytes: blob.length, stored: 0, ...(absent.length ? { absent } : {}) }, blob };
}

/**
 * A column of strings (or nulls) as one NUL-separated blob, each value written straight into the
 * buffer (a join of 100,000 strings and its encoding cost several times more). Undefined when a
 * value is not a string, or holds a NUL itself.
 */
function encodeText(
	contacts: readonly Contact[],
	read: (c: Contact) => unknown,
	absent: number[],
	nulls: number[],
): { blob: Buffer; ascii: boolean; width: number | undefined } | undefined {
	const count = contacts.length;
	let blob = Buffer.allocUnsafe(count * 24);
	let at = 0;
	let chars = 0;
	// Every value the same number of bytes (times, often ids): a reader finds row r without a scan.
	let width = -1;
	for (let row = 0; row < count; row++) {
		if (row > 0) blob[at++] = 0;
		const value = read(contacts[row]!);
		if (value === undefined) absent.push(row);
		else if (value === null) nulls.push(row);
		// A NUL inside a value would read back as two values.
		else if (typeof value !== 'string' || value.includes(NUL)) return undefined;
		else {
			// A UTF-16 unit is at most 3 bytes of UTF-8.
			if (at + value.length * 3 > blob.length) {
				const grown = Buffer.allocUnsafe(Math.max(blob.length * 2, at + value.length * 3 + 1));
				blob.copy(grown, 0, 0, at);
				blob = grown;
			}
			const bytes = blob.write(value, at, 'utf8');
			at += bytes;
			chars += value.length;
			if (width === -1) width = bytes;
			else if (width !== bytes) width = 0;
		}
	}
	blob = blob.subarray(0, at);
	// Ids and times are ASCII (one byte a character): read back as latin1, which skips UTF-8 decoding.
	const fixed = width > 0 && nulls.length === 0 && absent.length === 0 ? width : undefined;
	return { blob, ascii: at - Math.max(0, count - 1) === chars, width: fixed };
}

function decodeColumn(raw: Buffer, key: string, column: Record<string, unknown>, count: number): Column | string {
	const rowList = (list: unknown): number[] | undefined =>
		list === undefined ? [] : Array.isArray(list) && list.every((r) => typeof r === 'number' && Number.isInteger(r) && r >= 0 && r < count) ? (list as number[]) : undefined;
	const listed = rowList(column.absent);
	if (!listed) return `column ${key} is damaged`;
	const mask = (rows: readonly number[]) => {
		if (rows.length === 0) return undefined;
		const marks = new Uint8Array(count);
		for (const row of rows) marks[row] = 1;
		return marks;
	};
	if (column.kind === 'text') {
		const nulls = rowList(column.nulls);
		if (!nulls) return `column ${key} is damaged`;
		const ascii = column.ascii === true;
		let marks: Uint8Array | undefined;
		if (nulls.length > 0 || listed.length > 0) {
			marks = new Uint8Array(count);
			for (const row of nulls) marks[row] = 1;
			for (const row of listed) marks[row] = 2;
		}
		if (key === 'contact_id') {
			// A restore reads every id at once: one split (which also counts them) instead of 100,000 decodes.
			const values: (string | null)[] = count === 0 ? [] : raw.toString(ascii ? 'latin1' : 'utf8').split('\u0000');
			if (values.length !== count) return `column ${key} has ${values.length} rows, the header says ${count}`;
			for (const row of nulls) values[row] = null;
			return { kind: 'text', bytes: NO_BYTES, ascii, width: 0, starts: undefined, nulls, marks, values };
		}
		if (column.width !== undefined) {
			// Row r at r * (width + 1): nothing to scan.
			const width = column.width;
			if (!isCount(width) || width === 0 || nulls.length > 0 || listed.length > 0 || raw.length !== Math.max(0, count * (width + 1) - 1)) return `column ${key} is damaged`;
			return { kind: 'text', bytes: raw, ascii, width, starts: undefined, nulls, marks: undefined, values: undefined };
		}
		// Where each value starts, found now, decoded when read (a NUL byte is never part of a UTF-8 character).
		const starts = new Int32Array(count + 1);
		let values = count === 0 ? 0 : 1;
		for (let at = 0; at < raw.length; at++) {
			if (raw[at] === 0) {
				if (values === count) return `column ${key} has more rows than the header says (${count})`;
				starts[values++] = at + 1;
			}
		}
		if (values !== count) return `column ${key} has ${values} rows, the header says ${count}`;
		starts[count] = raw.length + 1;
		return { kind: 'text', bytes: raw, ascii, width: 0, starts, nulls, marks, values: undefined };
	}
	if (column.kind === 'dict') {
		const distinct = column.values;
		const width = column.width;
		if (!Array.isArray(distinct) || (width !== 1 && width !== 2 && width !== 4) || raw.length !== count * width) return `column ${key} is damaged`;
		// Bytes as they are; wider indices from an aligned copy (a Uint16Array or Uint32Array cannot view an odd offset).
		const index = width === 1 ? raw : width === 2 ? new Uint16Array(new Uint8Array(raw).buffer) : new Uint32Array(new Uint8Array(raw).buffer);
		const limit = distinct.length;
		for (let row = 0; row < count; row++) if (index[row]! > limit) return `column ${key} is damaged`;
		return { kind: 'dict', distinct: [null, ...distinct], index };
	}
	if (column.kind === 'json') {
		let values: unknown;
		try {
			values = JSON.parse(raw.toString('utf8'));
		} catch {
			return `column ${key} is damaged`;
		}
		if (!Array.isArray(values) || values.length !== count) return `column ${key} is damaged`;
		return { kind: 'json', values, absent: mask(listed) };
	}
	return `column ${key} is of an unknown kind`;
}

const NO_BYTES = Buffer.alloc(0);
const NUL = '\u0000';

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
