// Reload phase 1 (see RELOAD_PHASES in test/runner/runCodeServer.ts): loads an org so that its
// contacts are cached on disk, and leaves a note for the phase after the window is reopened.
import { runSuite } from '../index';

export function run(): Promise<void> {
	return runSuite(__dirname, ['beforeReload.test.js']);
}
