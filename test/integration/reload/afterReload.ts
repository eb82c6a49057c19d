// Reload phase 2: the same VS Code opened again; the cached contacts must show before any request.
import { runSuite } from '../index';

export function run(): Promise<void> {
	return runSuite(__dirname, ['afterReload.test.js']);
}
