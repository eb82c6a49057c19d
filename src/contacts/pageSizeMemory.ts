// Page sizes an API address refused are remembered across sessions (in VS Code's global state),
// so the next start asks for a size that works. No `vscode` import: a Memento-shaped store.
import type { SessionOptions } from './session';

const KEY = 'periskope.learnedPageSizes';

export interface StateStore {
	get<T>(key: string): T | undefined;
	update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

export function pageSizeMemory(state: StateStore, log: (text: string) => void): Pick<SessionOptions, 'learnedPageSizes' | 'onPageSizeLearned'> {
	return {
		learnedPageSizes: state.get<Record<string, number>>(KEY),
		onPageSizeLearned: (origin, size) => {
			const known = { ...state.get<Record<string, number>>(KEY) };
			if (size === undefined) {
				log(`Page size for ${origin} forgotten: the setting changed.`);
				delete known[origin];
			} else {
				log(`Page size ${size} remembered for ${origin}.`);
				known[origin] = size;
			}
			void state.update(KEY, known);
		},
	};
}
