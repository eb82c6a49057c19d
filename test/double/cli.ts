// Runs the API double as a process, for the demo, manual testing and out-of-process
// integration tests: `node out/test/double/cli.js --contacts 5000 --port 8787 --token demo`.
import { ApiDoubleOptions, startApiDouble } from './server';

const USAGE = `Usage: node out/test/double/cli.js [options]   (or: npm run api-double -- [options])

Starts the Periskope API double on 127.0.0.1 and serves until Ctrl+C.

Options:
  --contacts <n>     contacts in the org, 0-100000 (default 1000)
  --port <n>         port, 0 for any free one (default 8787)
  --token <s>        the bearer token it accepts (default test-token)
  --seed <n>         generator seed; same seed, same contacts (default 1)
  --latency <ms>     delay added to every response (default 0)
  --rate-limit <n>   requests allowed per 60 s window (default 10000)
  --count-skew <n>   reported count = real + n, may be negative, never below 0 (default 0)
  --max-limit <n>    serve at most n rows per page whatever limit asks (default: no cap)
  --one-based-offset offset=1 is the first row (default: offset = rows to skip)
  --help             show this help

Faults can be injected while it runs: POST <url-without-/v1>/__double/faults with a JSON
array of faults and the same bearer token; the options above change with
POST <url-without-/v1>/__double/options (see test/double/README.md).`;

function fail(message: string): never {
	console.error(`${message}\n\n${USAGE}`);
	process.exit(2);
}

function parseArgs(argv: string[]): ApiDoubleOptions {
	const options: ApiDoubleOptions = { port: 8787 };
	const count = (flag: string, value: string | undefined, max = Number.MAX_SAFE_INTEGER): number => {
		if (value === undefined || !/^\d+$/.test(value) || Number(value) > max) fail(`${flag} needs a whole number${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}`);
		return Number(value);
	};
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		const value = argv[i + 1];
		switch (flag) {
			case '--help':
			case '-h':
				console.log(USAGE);
				return process.exit(0);
			case '--contacts':
				options.contacts = count(flag, value, 100_000);
				break;
			case '--port':
				options.port = count(flag, value, 65_535);
				break;
			case '--token':
				if (!value || value.startsWith('--')) fail('--token needs a value');
				options.token = value;
				break;
			case '--seed':
				options.seed = count(flag, value);
				break;
			case '--latency':
				options.latencyMs = count(flag, value);
				break;
			case '--rate-limit':
				options.rateLimit = { limit: count(flag, value), windowMs: 60_000 };
				break;
			case '--count-skew':
				if (value === undefined || !/^-?\d{1,15}$/.test(value)) fail(`${flag} needs a whole number, negative allowed`);
				options.countSkew = Number(value);
				break;
			case '--max-limit':
				options.maxLimit = count(flag, value);
				if (options.maxLimit < 1) fail(`${flag} needs a number >= 1`);
				break;
			case '--one-based-offset':
				options.oneBasedOffset = true;
				continue; // takes no value
			default:
				fail(`Unknown option: ${flag}`);
		}
		i++;
	}
	return options;
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	const double = await startApiDouble(options);
	console.log(`Periskope API double: ${double.url}  token: ${double.token}  contacts: ${double.contacts.length}`);
	const { countSkew, maxLimit, oneBasedOffset } = double.options;
	if (countSkew || maxLimit !== null || oneBasedOffset) console.log(`Options: ${JSON.stringify({ countSkew, maxLimit, oneBasedOffset })}`);
	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping the API double`);
		double.close().then(() => process.exit(0));
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
	console.error(`Could not start the API double: ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});
