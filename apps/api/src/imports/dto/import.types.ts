import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IMPORT_FILE_TYPES } from '../../../../../libs/domain/src/import/native-format';
import { asEnum } from '../../common/graphql-enum';

export const IMPORT_JOB_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'DRY_RUN'] as const;
export const ImportJobStatus = asEnum(IMPORT_JOB_STATUSES);
registerEnumType(ImportJobStatus, { name: 'ImportJobStatus', description: 'DRY_RUN: validated only, nothing imported (docs/import.md).' });
export const ImportFileType = asEnum(IMPORT_FILE_TYPES);
registerEnumType(ImportFileType, { name: 'ImportFileType' });

@ObjectType('ImportFileCounts', { description: 'Rows of one file: read = imported + alreadyPresent + rejected.' })
export class ImportFileCountsType {
  @Field() file: string;
  @Field(() => ImportFileType) type: string;
  @Field(() => Int) read: number;
  @Field(() => Int, { description: 'Rows written (in a dry run: rows that would be).' }) imported: number;
  @Field(() => Int, { description: 'Rows whose natural key was already in Baton (skipped).' }) alreadyPresent: number;
  @Field(() => Int) rejected: number;
}

@ObjectType('ImportRejection', { description: 'A rejected row: the field and the rule it broke.' })
export class ImportRejectionType {
  @Field() file: string;
  @Field(() => Int, { description: 'Line of the file (a CSV header is line 1).' }) rowNumber: number;
  @Field() field: string;
  @Field() rule: string;
  @Field() message: string;
}

@ObjectType('ImportJob', { description: 'One run of `npm run import` (historical import).' })
export class ImportJobType {
  @Field(() => ID) id: string;
  @Field(() => ImportJobStatus) status: string;
  @Field(() => [String]) files: string[];
  @Field() dryRun: boolean;
  @Field(() => [String], { description: 'Mapping presets or files used.' }) mappings: string[];
  @Field(() => [ImportFileCountsType]) counts: ImportFileCountsType[];
  @Field(() => Int) rejectionCount: number;
  @Field(() => String, { nullable: true, description: 'Why a FAILED job stopped.' }) error: string | null;
  @Field(() => GraphQLISODateTime) startedAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) finishedAt: Date | null;
  @Field() startedBy: string;
}
