import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
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

/** nest-cli.json describes the layout (docs/architecture.md, "Build"); this keeps it true to the tree. */
describe('nest-cli.json', () => {
  const cli = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8')) as { monorepo: boolean; projects: Record<string, { type: string; root: string; sourceRoot: string; entryFile: string }> };
  const folders = (dir: string) => readdirSync(join(root, dir), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `${dir}/${d.name}`);

  it('names every application under apps/ and every library under libs/, each with an entry file that exists', () => {
    expect(cli.monorepo).toBe(true);
    const projects = Object.values(cli.projects);
    expect(projects.filter((p) => p.type === 'application').map((p) => p.root).sort()).toEqual(folders('apps').sort());
    expect(projects.filter((p) => p.type === 'library').map((p) => p.root).sort()).toEqual(folders('libs').sort());
    for (const p of projects) {
      expect(p.sourceRoot).toBe(`${p.root}/src`);
      const entry = p.type === 'application' ? join(root, `${p.entryFile}.ts`) : join(root, p.sourceRoot, `${p.entryFile}.ts`);
      expect(existsSync(entry)).toBe(true);
    }
  });
});
