// Statistics and the one-line-per-figure report of the benchmark (`npm run bench`).

export interface Summary {
	n: number;
	min: number;
	max: number;
	median: number;
	p95: number;
	mean: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
	if (sorted.length === 0) return NaN;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(values: readonly number[]): number {
	if (values.length === 0) return NaN;
	const s = [...values].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function summarize(values: readonly number[]): Summary {
	const s = [...values].sort((a, b) => a - b);
	return {
		n: s.length,
		min: s[0] ?? NaN,
		max: s[s.length - 1] ?? NaN,
		median: median(s),
		p95: percentile(s, 95),
		mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
	};
}

export interface Target {
	op: '<=' | '=';
	value: number;
}

export interface Figure {
	name: string;
	/** null when the figure could not be measured (n/a). */
	value: number | null;
	unit: string;
	target?: Target;
	ok?: boolean;
	/** Extra text after the value, e.g. the spread. */
	note?: string;
}

export class Report {
	readonly figures: Figure[] = [];

	/** Prints `name: value unit (target …) OK|MISS` and remembers the figure. */
	add(name: string, value: number | null, unit: string, opts: { target?: Target; digits?: number; note?: string } = {}): Figure {
		const figure: Figure = { name, value, unit, target: opts.target, note: opts.note };
		if (opts.target && value !== null) {
			figure.ok = opts.target.op === '<=' ? value <= opts.target.value : value === opts.target.value;
		}
		this.figures.push(figure);
		const shown = value === null ? 'n/a' : formatNumber(value, opts.digits);
		const unitText = value === null || !unit ? '' : ` ${unit}`;
		const note = opts.note ? ` [${opts.note}]` : '';
		let line = `${name}: ${shown}${unitText}${note}`;
		if (opts.target) {
			const op = opts.target.op === '<=' ? '≤' : '=';
			line += ` (target ${op} ${formatNumber(opts.target.value, opts.target.value % 1 === 0 ? 0 : undefined)}${unit && unit !== '×' ? ` ${unit}` : unit === '×' ? '×' : ''})`;
			if (value !== null) line += figure.ok ? ' OK' : ' MISS';
		}
		console.log(line);
		return figure;
	}

	/** A figure that could not be measured, with the reason. */
	na(name: string, unit: string, reason: string, target?: Target): void {
		this.add(name, null, unit, { target, note: reason });
	}
}

export function formatNumber(value: number, digits?: number): string {
	if (!Number.isFinite(value)) return String(value);
	const d = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
	return value.toFixed(d);
}

/** `min–max` of samples, for the spread note. */
export function spread(s: Summary, unit = 'ms'): string {
	return `n=${s.n} min ${formatNumber(s.min)} max ${formatNumber(s.max)} ${unit}, ±${formatNumber(((s.max - s.min) / 2 / s.median) * 100, 0)}%`;
}
