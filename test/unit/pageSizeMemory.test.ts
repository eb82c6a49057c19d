// What the page-size memory keeps in VS Code's global state: a size per origin that worked after
// a refusal, and nothing for an origin once the user changed the setting.
import assert from 'node:assert/strict';
import { pageSizeMemory, StateStore } from '../../src/contacts/pageSizeMemory';

class FakeState implements StateStore {
	readonly values = new Map<string, unknown>();
	get<T>(key: string): T | undefined {
		return this.values.get(key) as T | undefined;
	}
	async update(key: string, value: unknown): Promise<void> {
		this.values.set(key, value);
	}
}

describe('page-size memory', () => {
	it('remembers a size per origin, forgets one origin when told, and logs both', () => {
		const state = new FakeState();
		const log: string[] = [];
		const memory = pageSizeMemory(state, (t) => log.push(t));
		memory.onPageSizeLearned!('https://a.example', 500);
		memory.onPageSizeLearned!('https://b.example', 125);
		assert.deepEqual(pageSizeMemory(state, () => undefined).learnedPageSizes, { 'https://a.example': 500, 'https://b.example': 125 });
		memory.onPageSizeLearned!('https://a.example', undefined);
		assert.deepEqual(pageSizeMemory(state, () => undefined).learnedPageSizes, { 'https://b.example': 125 });
		assert.equal(log.length, 3);
		assert.match(log[2]!, /forgotten/);
	});
});
