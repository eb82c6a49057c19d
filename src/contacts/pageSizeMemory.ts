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
			log(`Page size ${size} remembered for ${origin}.`);
			void state.update(KEY, { ...state.get<Record<string, number>>(KEY), [origin]: size });
		},
	};
}
