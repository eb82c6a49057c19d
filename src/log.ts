// One LogOutputChannel for the extension. Request lines carry method, path, status, time
// and trace id: never a header, so never the token.
import * as vscode from 'vscode';
import type { RequestLogLine } from './api/client';

export function createLog(): vscode.LogOutputChannel {
	return vscode.window.createOutputChannel('Periskope Contacts', { log: true });
}

export function logRequest(log: vscode.LogOutputChannel, line: RequestLogLine): void {
	const trace = line.traceId ? ` trace=${line.traceId}` : '';
	const retry = line.attempt ? ` retry=${line.attempt}` : '';
	const text = `${line.method} ${line.path} ${line.status}${line.error ? ` (${line.error})` : ''} ${line.ms} ms${trace}${retry}`;
	// One line per request at the default level (info); failures stand out as warnings.
	if (line.status === 'error' || line.status >= 500 || line.status === 429) log.warn(text);
	else log.info(text);
}
