// What the phase before a reload tells the phase after it: a file in the runner's UI folder.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { UI_DIR_ENV } from '../../runner/uiProtocol';

export interface ReloadHandoff {
	/** The API double's port: the cache is keyed by the API origin, so the double comes back on it. */
	port: number;
	seed: number;
	contacts: number;
	/** The cache file on disk. */
	file: string;
}

function handoffPath(): string {
	const dir = process.env[UI_DIR_ENV];
	assert.ok(dir, `${UI_DIR_ENV} is not set: the reload phases run only under the code-server runner`);
	return path.join(dir, 'reload-handoff.json');
}

export function writeHandoff(handoff: ReloadHandoff): void {
	fs.writeFileSync(handoffPath(), JSON.stringify(handoff));
}

export function readHandoff(): ReloadHandoff {
	const file = handoffPath();
	assert.ok(fs.existsSync(file), 'the phase before the reload left its note (did it run?)');
	return JSON.parse(fs.readFileSync(file, 'utf8')) as ReloadHandoff;
}
