import { spawnSync } from 'node:child_process';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const eslintBin = join(root, 'node_modules/eslint/bin/eslint.js');

/** ESLint loads its ES-module config by dynamic import, which Jest's VM lacks: run the CLI. */
function lint(args: string[], stdin?: string): { filePath: string; messages: { line: number; message: string }[] }[] {
  const r = spawnSync(process.execPath, [eslintBin, '--format', 'json', ...args], { cwd: root, input: stdin, encoding: 'utf8' });
  if (!r.stdout) throw new Error(`eslint produced no report: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/**
 * The boundaries of docs/architecture.md are lint rules; this keeps them honest: the real
 * tree lints clean, and each rule really fires on a planted violation.
 */
describe('architecture boundaries (eslint.config.mjs)', () => {
  it('the whole tree respects the boundaries', () => {
    const problems = lint(['apps', 'libs', 'workflows', 'test']).flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line} ${m.message}`));
    expect(problems).toEqual([]);
  }, 120_000);

  it.each([
    ['workflows/src/planted.ts', "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n", 'framework'],
    ['workflows/src/planted.ts', "import { Repository } from 'typeorm';\nexport type X = Repository<object>;\n", 'framework'],
    ['workflows/src/planted.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'built-ins'],
    ['workflows/src/planted.ts', "import { LeadStoreActivities } from '../../apps/worker/src/activities/lead-store.activities';\nexport const x = LeadStoreActivities;\n", 'Activity implementations'],
    ['libs/domain/src/planted.ts', "import { Module } from '@nestjs/common';\nexport const x = Module;\n", 'framework'],
    ['libs/domain/src/planted.ts', 'export const now = () => new Date();\n', 'No hidden clock'],
    ['apps/api/src/planted.ts', "import { leadWorkflow } from '../../../workflows/src/lead.workflow';\nexport const x = leadWorkflow;\n", 'never imports workflow'],
  ])('%s: refuses %#', (file, code, expected) => {
    // Planted as a real file: the type-aware workflow rules need it inside the TS project.
    const planted = join(root, file.replace('planted.ts', `__planted_${process.pid}_${Date.now()}.ts`));
    writeFileSync(planted, code);
    let result;
    try {
      [result] = lint([planted]);
    } finally {
      unlinkSync(planted);
    }
    expect(result.messages.map((m) => m.message).join('\n')).toContain(expected);
  }, 60_000);
});
