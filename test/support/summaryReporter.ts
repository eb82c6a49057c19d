// Mocha's spec output plus one closing line "N passed, M failed", the same line the
// integration suite prints, so a log reader sees both suites' totals in one form.
import Mocha from 'mocha';

class SpecWithSummary extends Mocha.reporters.Spec {
	constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
		super(runner, options);
		runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
			const { passes, failures } = runner.stats ?? { passes: 0, failures: 0 };
			console.log(`${passes} passed, ${failures} failed`);
		});
	}
}

export = SpecWithSummary;
