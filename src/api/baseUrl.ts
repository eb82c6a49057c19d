// Decides whether a configured API base URL may receive the token. The one rule: https, or
// http only to this machine; nothing a URL can smuggle (credentials, query, fragment). A URL
// that fails is refused, never replaced by the default: the user must see where the token goes.

export type BaseUrl =
	| { ok: true; url: string; origin: string; host: string }
	| { ok: false; raw: string; reason: string };

/** 127.0.0.0/8, localhost (and *.localhost), [::1]: http to these never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
	if (host === 'localhost' || host.endsWith('.localhost')) return true;
	if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
	return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function parseBaseUrl(value: unknown): BaseUrl {
	const raw = typeof value === 'string' ? value.trim() : '';
	const refuse = (reason: string): BaseUrl => ({ ok: false, raw: printable(raw), reason });
	if (!raw) return refuse('The API base URL setting is empty.');
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return refuse(`"${printable(raw)}" is not a URL; it must start with https://`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') return refuse(`The API base URL must be https (it is ${url.protocol.replace(':', '')}).`);
	if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
		return refuse(`Plain http is allowed only to this machine (localhost, 127.0.0.1, [::1]); ${url.host} needs https.`);
	}
	if (url.username || url.password) return refuse('The API base URL must not contain a user name or password.');
	if (url.search || raw.includes('?')) return refuse('The API base URL must not contain a query (?…).');
	if (url.hash || raw.includes('#')) return refuse('The API base URL must not contain a fragment (#…).');
	return { ok: true, url: url.href.replace(/\/+$/, ''), origin: url.origin, host: url.host };
}

/** A setting's value for a message: one line, bounded. */
function printable(raw: string): string {
	// eslint-disable-next-line no-control-regex -- control characters are what this removes
	const line = raw.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
	return line.length > 120 ? `${line.slice(0, 117)}…` : line;
}
