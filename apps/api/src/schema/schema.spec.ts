import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { buildSchemaSdl, featureResolvers, SCHEMA_FILE } from './build-schema';

describe('committed GraphQL schema (apps/api/schema.graphql)', () => {
  it('matches the code; run `npm run schema` after changing the API', async () => {
    const sdl = await buildSchemaSdl();
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(sdl);
  }, 60_000);

  it('covers every feature resolver', () => {
    expect(featureResolvers().map((r) => r.name)).toEqual(expect.arrayContaining(['LeadsResolver', 'EngagementResolver']));
  });
});
