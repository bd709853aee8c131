import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ImportFileCountsType, ImportJobType, ImportRejectionType } from './dto/import.types';

interface JobRow {
  id: string;
  status: string;
  files: string[];
  dry_run: boolean;
  mappings: string[];
  counts: Record<string, { type: string; read: number; imported: number; skipped: number; rejected: number }>;
  rejection_count: string | number;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
  started_by: string;
}

const JOB_COLUMNS = `j.id, j.status, j.files, j.dry_run, j.mappings, j.counts, j.error, j.started_at, j.finished_at, j.started_by,
  (SELECT count(*) FROM import_rejection r WHERE r.job_id = j.id) AS rejection_count`;

function toJob(r: JobRow): ImportJobType {
  const counts: ImportFileCountsType[] = Object.entries(r.counts ?? {}).map(([file, c]) => ({ file, type: c.type, read: c.read, imported: c.imported, alreadyPresent: c.skipped, rejected: c.rejected }));
  return {
    id: r.id,
    status: r.status,
    files: r.files,
    dryRun: r.dry_run,
    mappings: r.mappings,
    counts,
    rejectionCount: Number(r.rejection_count),
    error: r.error,
    startedAt: new Date(r.started_at),
    finishedAt: r.finished_at ? new Date(r.finished_at) : null,
    startedBy: r.started_by,
  };
}

/** Reads the historical import jobs the `npm run import` command records. */
@Injectable()
export class ImportsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(limit: number): Promise<ImportJobType[]> {
    const rows: JobRow[] = await this.db.query(`SELECT ${JOB_COLUMNS} FROM import_job j ORDER BY j.started_at DESC, j.id LIMIT $1`, [limit]);
    return rows.map(toJob);
  }

  async get(id: string): Promise<ImportJobType | null> {
    const [row]: JobRow[] = await this.db.query(`SELECT ${JOB_COLUMNS} FROM import_job j WHERE j.id = $1`, [id]);
    return row ? toJob(row) : null;
  }

  async rejections(jobId: string, limit: number, offset: number): Promise<ImportRejectionType[]> {
    const rows: { file: string; row_number: number; field: string; rule: string; message: string }[] = await this.db.query(
      `SELECT file, row_number, field, rule, message FROM import_rejection WHERE job_id = $1 ORDER BY id LIMIT $2 OFFSET $3`,
      [jobId, limit, offset],
    );
    return rows.map((r) => ({ file: r.file, rowNumber: r.row_number, field: r.field, rule: r.rule, message: r.message }));
  }
}
