import assert from 'node:assert/strict';
import { pickRunner } from '../runner/runIntegration';

describe('integration runner choice (npm run test:integration)', () => {
	it('uses code-server on Linux and @vscode/test-electron on macOS and Windows', () => {
		assert.equal(pickRunner({}, 'linux').runner, 'code-server');
		assert.equal(pickRunner({}, 'darwin').runner, 'electron');
		assert.equal(pickRunner({}, 'win32').runner, 'electron');
		assert.equal(pickRunner({ PERISKOPE_IT_RUNNER: '' }, 'linux').runner, 'code-server', 'empty is unset');
	});

	it('follows PERISKOPE_IT_RUNNER on any platform, and refuses an unknown one', () => {
		assert.deepEqual(pickRunner({ PERISKOPE_IT_RUNNER: 'electron' }, 'linux'), { runner: 'electron', why: 'PERISKOPE_IT_RUNNER=electron' });
		assert.equal(pickRunner({ PERISKOPE_IT_RUNNER: 'code-server' }, 'darwin').runner, 'code-server');
		assert.throws(() => pickRunner({ PERISKOPE_IT_RUNNER: 'chrome' }, 'linux'), /PERISKOPE_IT_RUNNER=chrome is not a runner/);
	});
});
