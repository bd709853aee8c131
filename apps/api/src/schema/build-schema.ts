import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';

import { lexicographicSortSchema, printSchema } from 'graphql';
import { join } from 'node:path';
import { FEATURE_MODULES } from '../app.module';

/** Where @Resolver() stores its metadata (a constant @nestjs/graphql does not export). */
const RESOLVER_TYPE_METADATA = 'graphql:resolver_type';

/** The committed schema file that frontends build against. */
export const SCHEMA_FILE = join(__dirname, '../../schema.graphql');

/** Every resolver class the feature modules provide, found the way Nest finds them. */
export function featureResolvers(): Function[] {
  return FEATURE_MODULES.flatMap((m) => (Reflect.getMetadata('providers', m) ?? []) as unknown[]).filter(
    (p): p is Function => typeof p === 'function' && Reflect.hasMetadata(RESOLVER_TYPE_METADATA, p),
  );
}

/** The API's schema as SDL, sorted, without a database or Temporal: what `npm run schema` writes. */
export async function buildSchemaSdl(): Promise<string> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  await app.init();
  try {
    const schema = await app.get(GraphQLSchemaFactory).create(featureResolvers());
    return printSchema(lexicographicSortSchema(schema)) + '\n';
  } finally {
    await app.close();
  }
}
