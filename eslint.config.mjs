// ESLint flat config: eslint's and typescript-eslint's recommended sets, plus the rules the
// vscode-extension-samples use (curly, eqeqeq, no-throw-literal, semicolons, camelCase or
// PascalCase imports). `npm run lint` runs it over src/, test/ and esbuild.js.
// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
	{
		ignores: ['dist/', 'out/', 'media/build/', '.cache/', 'test-results/'],
	},
	js.configs.recommended,
	tseslint.configs.recommended,
	{
		rules: {
			// Braces for every multi-line body; the code's one-line `if (x) return;` style stays.
			'curly': ['warn', 'multi-line'],
			'eqeqeq': 'warn',
			'no-throw-literal': 'warn',
			// Core `semi` is deprecated (kept until ESLint 11); @stylistic/semi is its successor.
			'semi': ['warn', 'always'],
			'@typescript-eslint/naming-convention': ['warn', {
				selector: 'import',
				format: ['camelCase', 'PascalCase'],
			}],
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
		},
	},
	{
		// The build script: CommonJS run by Node.
		files: ['esbuild.js'],
		languageOptions: {
			sourceType: 'commonjs',
			globals: { process: 'readonly', console: 'readonly' },
		},
		rules: {
			'@typescript-eslint/no-require-imports': 'off',
		},
	},
);
