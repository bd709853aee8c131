import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import type { AdoptedTouch } from '../../../contracts/src/lead-workflow';
import type { BusinessCalendar } from '../../../domain/src/business-hours';
import { touchLoggingClock } from '../../../domain/src/sla';
import { DEFAULT_STAGE_DEFINITION_V1, StageDefinitionContent } from '../../../domain/src/stage-definition';
import {
  AccountRow,
  applyHeader,
  CsvParser,
  CsvSyntaxError,
  EVENT_RULES,
  fileKey,
  fileTypeOf,
  historicalClocks,
  HeaderPlan,
  IMPORT_FILE_TYPES,
  ImportFileType,
  ImportMapping,
  ImportViolation,
  insertByTime,
  LifecycleRow,
  MAPPING_PRESETS,
  ndjsonRow,
  OpportunityRow,
  orderViolation,
  parseMappingFile,
  PersonRow,
  planHeader,
  RawRow,
  ROW_PARSERS,
  StageEntry,
  stageAt,
  TargetRow,
  TouchpointRow,
} from '../../../domain/src/import';

/**
 * The historical importer behind `npm run import` (docs/import.md): streams native files (CSV
 * or NDJSON), validates every row, and writes the same raw tables the live lead workflow
 * writes, in transactions of `batchSize` rows. Idempotent by natural keys: a re-run (or a run
 * after a crash) writes only what is missing. Records the run in import_job / import_rejection.
 */
export interface ImportOptions {
  databaseUrl: string;
  /** Files or directories (every native file in them). */
  paths: string[];
  dryRun?: boolean;
  /** Preset names (hubspot-contacts, ...) or paths of mapping files. */
  mappings?: string[];
  startedBy?: string;
  batchSize?: number;
  /** Rejections kept in the returned summary (all are stored in import_rejection). */
  keepRejections?: number;
  /** Leads whose history stays in memory between batches (default 20,000); others are reloaded when a row needs them. */
  cacheLeads?: number;
  /** "Now" for clocks still running at import time (default: the wall clock). */
  now?: Date;
  /** After each batch; in the finishing pass `file` is FINISHING and `rows` counts leads. */
  onProgress?: (p: { file: string; rows: number; rowsPerSecond: number }) => void;
  /**
   * Starts the live workflows of imported leads whose history is still open (the CLI and the
   * tests pass libs/runtime startAdoptedLeads). With it, clocks still running at import time
   * are left to the workflow instead of being written as history.
   */
  adopt?: (leads: AdoptionCandidate[]) => Promise<{ started: number; alreadyRunning: number }>;
}

/** An imported lead whose history is still open, as the lead workflow adopts it. */
export interface AdoptionCandidate {
  leadId: string;
  capturedAt: string;
  /**
   * ROUTED_MQL: routed, not accepted or rejected yet. SAL: accepted, in its follow-up cadence.
   * OPPORTUNITY: its opportunity is still open. RECYCLED: back in nurture until reengageAt.
   */
  kind: 'ROUTED_MQL' | 'SAL' | 'OPPORTUNITY' | 'RECYCLED';
  ownerId: string | null;
  routedAt: string | null;
  hot: boolean;
  demoRequest: boolean;
  recycleCount: number;
  reengageAt: string | null;
  /** SAL and OPPORTUNITY: the acceptance instant. */
  acceptedAt: string | null;
  /** The owner's imported touches since the routing, oldest first. */
  touches: AdoptedTouch[];
  /** OPPORTUNITY: the open opportunity. */
  opportunityId: string | null;
}

export interface ImportRejection {
  file: string;
  row: number;
  field: string;
  rule: string;
  message: string;
}

export interface ImportFileCounts {
  file: string;
  type: ImportFileType;
  read: number;
  imported: number;
  skipped: number;
  rejected: number;
}

export interface ImportSummary {
  jobId: string;
  status: 'SUCCEEDED' | 'FAILED' | 'DRY_RUN';
  dryRun: boolean;
  files: ImportFileCounts[];
  totals: { read: number; imported: number; skipped: number; rejected: number };
  /** Open imported leads: adopted by a live workflow, already running, or not adoptable as they are (see adoptOpenLeads). */
  adoption?: { candidates: number; started: number; alreadyRunning: number; notAdopted: number };
  rejections: ImportRejection[];
  elapsedMs: number;
  rowsPerSecond: number;
  error?: string;
}

export class ImportUsageError extends Error {}

/** The progress reports' `file` during the finishing pass. */
export const FINISHING = '(finishing: clocks, projection, adoption)';

const TYPE_ORDER: ImportFileType[] = ['targets', 'accounts', 'people', 'touchpoints', 'lifecycle', 'opportunities'];
const KEY_FIELD: Record<ImportFileType, string> = { people: 'email', accounts: 'domain', targets: 'month', touchpoints: 'occurred_at', lifecycle: 'occurred_at', opportunities: 'created_at' };
const SYSTEM = { id: 'system', role: 'SYSTEM' };
const iso = (ms: number) => new Date(ms).toISOString();

interface User { id: string; role: string; calendar: BusinessCalendar | null; managerId: string | null }

interface LeadState {
  id: string;
  stages: StageEntry[];
  transitionKeys: Set<string>;
  /** `imported`: written by an import (its historical clocks are the import's to derive). */
  routings: { at: number; rep: string | null; imported?: boolean }[];
  touches: { at: number; rep: string; imported?: boolean; loggedAt?: number }[];
  touchKeys: Set<string>;
  handoffs: { at: number; hot: boolean; demo: boolean }[];
  opportunities: Set<number>;
  eventKeys: Set<string>;
  owners: { at: number; owner: string | null }[];
  baseOwner: string | null;
}

interface InputFile {
  path: string;
  type: ImportFileType;
  format: 'csv' | 'ndjson';
  mapping: ImportMapping | null;
}

/** Expands directories, recognises each file's type (by name, or by the mapping given for it). */
export async function resolveImportFiles(paths: string[], mappingSpecs: string[] = []): Promise<InputFile[]> {
  const mappings: ImportMapping[] = [];
  for (const spec of mappingSpecs) {
    if (MAPPING_PRESETS[spec]) {
      mappings.push(MAPPING_PRESETS[spec]);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(await readFile(spec, 'utf8'));
    } catch (e) {
      throw new ImportUsageError(`--mapping ${spec}: neither a preset (${Object.keys(MAPPING_PRESETS).join(', ')}) nor a readable JSON mapping file (${(e as Error).message})`);
    }
    const { mapping, violations } = parseMappingFile(json, basename(spec).replace(/\.json$/i, ''));
    if (!mapping) throw new ImportUsageError(`--mapping ${spec}: ${violations.map((v) => `${v.field}: ${v.message}`).join('; ')}`);
    mappings.push(mapping);
  }
  const files: string[] = [];
  for (const p of paths) {
    const s = await stat(p).catch(() => null);
    if (!s) throw new ImportUsageError(`${p}: no such file or directory`);
    if (s.isDirectory()) {
      for (const name of (await readdir(p)).sort()) if (/\.(csv|ndjson)$/i.test(name)) files.push(join(p, name));
    } else files.push(p);
  }
  if (!files.length) throw new ImportUsageError('no .csv or .ndjson files to import');
  const out: InputFile[] = [];
  for (const path of files) {
    const format = /\.ndjson$/i.test(path) ? 'ndjson' : 'csv';
    const native = fileTypeOf(path);
    const stem = basename(path).replace(/\.(csv|ndjson)$/i, '').toLowerCase();
    let mapping: ImportMapping | null;
    if (native) mapping = mappings.find((m) => m.file === native.type && (m.name === native.type || mappings.filter((x) => x.file === native.type).length === 1)) ?? null;
    else mapping = mappings.find((m) => m.name.toLowerCase() === stem) ?? (mappings.length === 1 ? mappings[0] : null);
    const type = native?.type ?? mapping?.file;
    if (!type) throw new ImportUsageError(`${path}: not a native file name (${IMPORT_FILE_TYPES.map((t) => `${t}.csv`).join(', ')}; or .ndjson) and no --mapping for it`);
    out.push({ path, type, format, mapping });
  }
  return out.sort((a, b) => TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type));
}

/** Reads a file as native rows, streaming: CSV through CsvParser, NDJSON through readline. */
async function* readRows(file: InputFile): AsyncGenerator<{ row: number; raw?: RawRow; violations?: ImportViolation[] }> {
  const stream = createReadStream(file.path, { encoding: 'utf8', highWaterMark: 1 << 16 });
  if (file.format === 'ndjson') {
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    let line = 0;
    for await (const text of rl) {
      line++;
      if (!text.trim()) continue;
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch {
        yield { row: line, violations: [{ field: '(line)', rule: 'JSON_SYNTAX', message: 'not a JSON object' }] };
        continue;
      }
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
        yield { row: line, violations: [{ field: '(line)', rule: 'JSON_SYNTAX', message: 'not a JSON object' }] };
        continue;
      }
      const keys = Object.keys(obj);
      const plan = planHeader(file.type, keys, file.mapping);
      if (plan.violations.length) yield { row: line, violations: plan.violations };
      else yield { row: line, raw: ndjsonRow(plan, obj as Record<string, unknown>, keys, file.mapping) };
    }
    return;
  }
  const parser = new CsvParser();
  let plan: HeaderPlan | null = null;
  const handle = function* (records: { line: number; fields: string[] }[]) {
    for (const rec of records) {
      if (rec.fields.length === 1 && rec.fields[0].trim() === '') continue;
      if (!plan) {
        plan = planHeader(file.type, rec.fields, file.mapping);
        if (plan.violations.length) throw new HeaderRejected(plan.violations);
        continue;
      }
      if (rec.fields.length !== plan.targets.length) {
        yield { row: rec.line, violations: [{ field: '(row)', rule: 'COLUMN_COUNT', message: `${rec.fields.length} fields, the header has ${plan.targets.length}` }] };
        continue;
      }
      yield { row: rec.line, raw: applyHeader(plan, rec.fields, file.mapping) };
    }
  };
  try {
    for await (const chunk of stream) yield* handle(parser.push(chunk as string));
    yield* handle(parser.end());
  } catch (e) {
    stream.destroy();
    if (e instanceof HeaderRejected) {
      for (const v of e.violations) yield { row: 1, violations: [v] };
      return;
    }
    if (e instanceof CsvSyntaxError) {
      yield { row: e.line, violations: [{ field: '(row)', rule: 'CSV_SYNTAX', message: e.message }] };
      return;
    }
    throw e;
  }
}

class HeaderRejected extends Error {
  constructor(readonly violations: ImportViolation[]) {
    super('header rejected');
  }
}

type Row = unknown[];

/** INSERT ... SELECT FROM unnest(arrays): one round trip per table and batch. */
async function insertMany(db: Client, table: string, cols: [string, string, string?][], rows: Row[], tail = 'ON CONFLICT DO NOTHING'): Promise<{ rows: Record<string, unknown>[] }> {
  if (!rows.length) return { rows: [] };
  const arrays = cols.map((_, i) => rows.map((r) => r[i]));
  const unnest = cols.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const names = cols.map(([c]) => c);
  const exprs = cols.map(([c, , expr]) => expr ?? `u.${c}`);
  const res = await db.query(`INSERT INTO ${table} (${names.join(', ')}) SELECT ${exprs.join(', ')} FROM unnest(${unnest}) AS u(${names.join(', ')}) ${tail}`, arrays);
  return { rows: res.rows };
}

/** Runs one import; never throws for bad rows (they are rejected), throws for usage errors. */
export async function runImport(opts: ImportOptions): Promise<ImportSummary> {
  const files = await resolveImportFiles(opts.paths, opts.mappings ?? []);
  const dryRun = !!opts.dryRun;
  const batchSize = opts.batchSize ?? 1000;
  const keep = opts.keepRejections ?? 1000;
  const cacheLeads = opts.cacheLeads ?? 20_000;
  const now = opts.now ?? new Date();
  // Rows of things that happened must not lie ahead of the real clock (nor of a simulated later `now`).
  const rangeNow = new Date(Math.max(Date.now(), now.getTime()));
  const db = new Client({ connectionString: opts.databaseUrl });
  await db.connect();
  const started = Date.now();
  const counts: ImportFileCounts[] = files.map((f) => ({ file: basename(f.path), type: f.type, read: 0, imported: 0, skipped: 0, rejected: 0 }));
  const kept: ImportRejection[] = [];
  let pendingRejections: ImportRejection[] = [];
  let jobId = '';
  try {
    const [job] = (
      await db.query(`INSERT INTO import_job (status, files, dry_run, mappings, started_by) VALUES ('RUNNING', $1, $2, $3, $4) RETURNING id`, [
        files.map((f) => basename(f.path)),
        dryRun,
        opts.mappings ?? [],
        opts.startedBy ?? 'cli',
      ])
    ).rows;
    jobId = job.id;
    const flushRejections = async () => {
      if (!pendingRejections.length) return;
      const batch = pendingRejections;
      pendingRejections = [];
      await insertMany(db, 'import_rejection', [['job_id', 'uuid'], ['file', 'text'], ['row_number', 'int'], ['field', 'text'], ['rule', 'text'], ['message', 'text']], batch.map((r) => [jobId, r.file, r.row, r.field, r.rule, r.message]), '');
    };

    // Bulk mode: the KPI fact triggers defer to one kpi_refresh_leads(<the transaction's leads>)
    // before each commit (baton.defer_kpi_facts, docs/kpis.md), and imported breaches are not
    // pushed to live subscribers as news (baton.live_notify, migration 1764000900000).
    const DEFER = `SELECT set_config('baton.defer_kpi_facts', 'on', true), set_config('baton.live_notify', 'off', true)`;

    // Keyed by job: a pooled session may keep the temp table from an earlier import.
    await db.query(`CREATE TEMP TABLE IF NOT EXISTS import_file_key (job uuid NOT NULL, file int NOT NULL, key text NOT NULL, row_number int NOT NULL, PRIMARY KEY (job, file, key))`);

    const users = new Map<string, User>();
    for (const u of (
      await db.query(`SELECT u.id, lower(u.email) AS email, u.role, u.calendar, COALESCE(u.manager_id, t.manager_id) AS manager_id FROM app_user u LEFT JOIN team t ON t.id = u.team_id WHERE u.active`)
    ).rows) users.set(u.email, { id: u.id, role: u.role, calendar: u.calendar, managerId: u.manager_id });
    const userById = new Map([...users.values()].map((u) => [u.id, u]));
    const [def] = (await db.query(`SELECT version, content FROM stage_definition WHERE status = 'ACTIVE'`)).rows;
    const definitionVersion: number = def?.version ?? 1;
    const definition: StageDefinitionContent = def?.content ?? DEFAULT_STAGE_DEFINITION_V1;

    // ------------------------------------------------------------------ leads and their history
    const leads = new Map<string, LeadState>();
    const missing = new Set<string>();
    const newLead = (id: string, createdAt: number | null, owner: string | null = null): LeadState => ({
      id,
      stages: createdAt === null ? [] : [{ at: createdAt, stage: 'FIRST_TOUCH' }],
      transitionKeys: new Set(createdAt === null ? [] : [`FIRST_TOUCH|${createdAt}`]),
      routings: [],
      touches: [],
      touchKeys: new Set(),
      handoffs: [],
      opportunities: new Set(),
      eventKeys: new Set(),
      owners: [],
      baseOwner: owner,
    });
    /** Loads what the database already holds of these leads: the history a new row must fit. */
    async function loadHistories(found: { id: string; owner_id: string | null }[]): Promise<Map<string, LeadState>> {
      const byId = new Map<string, LeadState>();
      for (const l of found) byId.set(l.id, newLead(l.id, null, l.owner_id));
      if (!byId.size) return byId;
      const ids = [...byId.keys()];
      for (const t of (await db.query(`SELECT lead_id, from_stage, to_stage, occurred_at, details FROM stage_transition WHERE lead_id = ANY($1::uuid[]) ORDER BY occurred_at, id`, [ids])).rows) {
        const s = byId.get(t.lead_id)!;
        const at = new Date(t.occurred_at).getTime();
        s.transitionKeys.add(`${t.to_stage}|${at}`);
        if (t.from_stage !== t.to_stage) s.stages.push({ at, stage: t.to_stage });
        else if (t.details && 'toOwnerId' in t.details) s.owners.push({ at, owner: t.details.toOwnerId ?? null });
        if (t.to_stage === 'RECYCLED') s.owners.push({ at, owner: null });
      }
      for (const r of (await db.query(`SELECT lead_id, rep_id, decided_at, step_key LIKE 'import:%' AS imported FROM routing_decision WHERE lead_id = ANY($1::uuid[])`, [ids])).rows) {
        const s = byId.get(r.lead_id)!;
        const at = new Date(r.decided_at).getTime();
        s.routings.push({ at, rep: r.rep_id, imported: r.imported });
        s.owners.push({ at, owner: r.rep_id });
      }
      for (const t of (await db.query(`SELECT lead_id, rep_id, occurred_at, logged_at, step_key LIKE 'import:%' AS imported FROM touch WHERE lead_id = ANY($1::uuid[])`, [ids])).rows) {
        const s = byId.get(t.lead_id)!;
        const at = new Date(t.occurred_at).getTime();
        s.touches.push({ at, rep: t.rep_id, imported: t.imported, loggedAt: new Date(t.logged_at).getTime() });
        s.touchKeys.add(`${t.rep_id}|${at}`);
      }
      for (const h of (await db.query(`SELECT lead_id, evaluated_at, hot, demo_request FROM handoff WHERE lead_id = ANY($1::uuid[])`, [ids])).rows) byId.get(h.lead_id)!.handoffs.push({ at: new Date(h.evaluated_at).getTime(), hot: h.hot, demo: h.demo_request });
      for (const o of (await db.query(`SELECT lead_id, created_at FROM opportunity WHERE lead_id = ANY($1::uuid[])`, [ids])).rows) byId.get(o.lead_id)!.opportunities.add(new Date(o.created_at).getTime());
      for (const e of (await db.query(`SELECT lead_id, occurred_at, type FROM engagement_event WHERE lead_id = ANY($1::uuid[])`, [ids])).rows) byId.get(e.lead_id)!.eventKeys.add(`${new Date(e.occurred_at).getTime()}|${e.type}`);
      for (const s of byId.values()) {
        for (const list of [s.routings, s.touches, s.handoffs, s.owners] as { at: number }[][]) list.sort((a, b) => a.at - b.at);
      }
      return byId;
    }
    /** Makes the batch's people present in `leads` (most recently used last), loading them when needed. */
    async function ensureLeads(emails: string[]): Promise<void> {
      const want: string[] = [];
      for (const e of new Set(emails)) {
        const hit = leads.get(e);
        if (hit) {
          leads.delete(e);
          leads.set(e, hit);
        } else if (!missing.has(e)) want.push(e);
      }
      if (!want.length) return;
      // Natural key: the e-mail (Baton stores them lower-case); an index lookup, not a scan.
      const found = (await db.query(`SELECT id, lower(email) AS email, owner_id FROM lead WHERE email = ANY($1::text[])`, [want])).rows;
      const byId = await loadHistories(found);
      for (const l of found) leads.set(l.email, byId.get(l.id)!);
      for (const e of want) if (!leads.has(e)) missing.add(e);
    }
    /**
     * Bounded memory: between batches (everything written, so nothing is lost) the least recently
     * used leads leave the cache and are loaded again if a later row needs them. A dry run writes
     * nothing to load them from, so it keeps them all.
     */
    function trimCache(): void {
      if (dryRun) return;
      for (const e of leads.keys()) {
        if (leads.size <= cacheLeads) break;
        leads.delete(e);
      }
      if (missing.size > cacheLeads) missing.clear();
    }
    const ownerAt = (s: LeadState, at: number): string | null => {
      let owner = s.baseOwner;
      let seen = false;
      for (const o of s.owners) {
        if (o.at > at) break;
        owner = o.owner;
        seen = true;
      }
      return seen ? owner : s.baseOwner;
    };

    // ------------------------------------------------------------------ pending writes of a batch
    type Writes = { [table: string]: Row[] };
    let writes: Writes = {};
    const touched = new Set<string>();
    const add = (table: string, row: Row, leadId?: string) => {
      (writes[table] ??= []).push(row);
      if (leadId) touched.add(leadId);
    };
    const transition = (s: LeadState, from: string | null, to: string, at: number, actor: { id: string; role: string }, reason: string, details: unknown, version: number | null) => {
      s.transitionKeys.add(`${to}|${at}`);
      if (from !== to) insertByTime(s.stages, { at, stage: to });
      add('stage_transition', [`import:${s.id}/${to}@${iso(at)}`, s.id, from, to, iso(at), actor.id, actor.role, reason, version, details === null ? null : JSON.stringify(details)], s.id);
    };
    const actorOf = (userId: string | null) => (userId ? { id: userId, role: userById.get(userId)?.role ?? 'SALES_REP' } : SYSTEM);

    async function flush(): Promise<void> {
      const w = writes;
      writes = {};
      const leadIds = [...touched];
      touched.clear();
      if (dryRun || !Object.keys(w).length) return;
      await db.query('BEGIN');
      try {
        await db.query(DEFER);
        await insertMany(db, 'revenue_target', [['month', 'text'], ['amount', 'numeric'], ['updated_by', 'text']], w.revenue_target ?? [], 'ON CONFLICT (month) DO NOTHING');
        await insertMany(db, 'account', [['domain', 'text'], ['name', 'text'], ['industry', 'text'], ['company_size', 'int'], ['owner_id', 'uuid']], w.account ?? [], 'ON CONFLICT (domain) DO NOTHING');
        await insertMany(
          db,
          'lead',
          [
            ['id', 'uuid'], ['email', 'text'], ['first_name', 'text'], ['last_name', 'text'], ['company', 'text'], ['title', 'text'], ['industry', 'text'], ['company_size', 'int'],
            ['country', 'text'], ['source', 'text'], ['utm', 'jsonb'], ['workflow_id', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'], ['first_touch_at', 'timestamptz'],
            ['account_id', 'uuid', `(SELECT a.id FROM account a WHERE a.domain = split_part(u.email, '@', 2))`],
          ],
          (w.lead ?? []).map((r) => [...r, null]),
          'ON CONFLICT DO NOTHING',
        );
        await insertMany(db, 'engagement_event', [['idempotency_key', 'text'], ['lead_id', 'uuid'], ['type', 'text'], ['occurred_at', 'timestamptz'], ['received_at', 'timestamptz'], ['channel', 'text'], ['campaign', 'text'], ['utm', 'jsonb'], ['url', 'text'], ['content_title', 'text'], ['via', 'text']], w.engagement_event ?? []);
        await insertMany(
          db,
          'handoff',
          [['step_key', 'text'], ['lead_id', 'uuid'], ['outcome', 'text'], ['evaluated_at', 'timestamptz'], ['definition_version', 'int'], ['hot', 'bool'], ['demo_request', 'bool'], ['intent_score', 'numeric'], ['score_breakdown', 'jsonb'], ['triggers', 'jsonb'], ['missing_fields', 'text', `CASE WHEN u.missing_fields = '' THEN '{}'::text[] ELSE string_to_array(u.missing_fields, '|') END`]],
          w.handoff ?? [],
        );
        await insertMany(db, 'stage_transition', [['step_key', 'text'], ['lead_id', 'uuid'], ['from_stage', 'text'], ['to_stage', 'text'], ['occurred_at', 'timestamptz'], ['actor_id', 'text'], ['actor_role', 'text'], ['reason', 'text'], ['definition_version', 'int'], ['details', 'jsonb']], w.stage_transition ?? []);
        await insertMany(db, 'routing_decision', [['step_key', 'text'], ['lead_id', 'uuid'], ['rule_id', 'text'], ['rep_id', 'uuid'], ['queue', 'text'], ['trace', 'jsonb'], ['decided_at', 'timestamptz']], w.routing_decision ?? []);
        await insertMany(db, 'touch', [['step_key', 'text'], ['lead_id', 'uuid'], ['rep_id', 'uuid'], ['channel', 'text'], ['outcome', 'text'], ['occurred_at', 'timestamptz'], ['logged_at', 'timestamptz'], ['note', 'text']], w.touch ?? []);
        await insertMany(
          db,
          'opportunity',
          [['id', 'uuid'], ['step_key', 'text'], ['lead_id', 'uuid'], ['owner_id', 'uuid'], ['amount', 'numeric'], ['expected_close_at', 'timestamptz'], ['created_at', 'timestamptz'], ['status', 'text'], ['closed_at', 'timestamptz'], ['close_reason', 'text'], ['bant', 'jsonb'], ['account_id', 'uuid', '(SELECT l.account_id FROM lead l WHERE l.id = u.lead_id)']],
          (w.opportunity ?? []).map((r) => [...r, null]),
        );
        if (leadIds.length) await db.query('SELECT kpi_refresh_leads($1::uuid[])', [leadIds]);
        // The finishing pass's work list, in the same transaction as the rows it finishes.
        if (leadIds.length) await db.query(`INSERT INTO import_pending_lead (lead_id, job_id) SELECT unnest($1::uuid[]), $2 ON CONFLICT (lead_id) DO NOTHING`, [leadIds, jobId]);
        await db.query('COMMIT');
      } catch (e) {
        await db.query('ROLLBACK');
        throw e;
      }
    }

    // ------------------------------------------------------------------ one file
    const reject = (c: ImportFileCounts, row: number, violations: ImportViolation[]) => {
      c.rejected++;
      for (const v of violations) {
        const r = { file: c.file, row, field: v.field, rule: v.rule, message: v.message };
        if (kept.length < keep) kept.push(r);
        pendingRejections.push(r);
      }
    };
    /** The active user an `owner_email` names (null when none is given); undefined when the row was rejected for it. */
    const ownerOf = (email: string | null, c: ImportFileCounts, row: number): User | null | undefined => {
      if (!email) return null;
      const user = users.get(email);
      if (!user) reject(c, row, [{ field: 'owner_email', rule: 'KNOWN_OWNER', message: `${email} is not an active user` }]);
      return user;
    };
    let totalRows = 0;
    for (let fi = 0; fi < files.length; fi++) {
      const file = files[fi];
      const c = counts[fi];
      const parse = ROW_PARSERS[file.type] as (raw: RawRow, now: Date) => { ok: boolean; value?: unknown; violations?: ImportViolation[] };
      const fileStart = Date.now();
      let batch: { row: number; value: unknown; key: string }[] = [];

      /**
       * Duplicate keys inside one file: the first row with a key wins, later ones are rejected.
       * The keys seen so far live in a session table, not in memory (a 1M-row file has 1M keys).
       */
      const firstOfKeys = async (items: typeof batch): Promise<typeof batch> => {
        const seen = new Map<string, number>();
        const fresh: typeof batch = [];
        const dups: { row: number; first: number }[] = [];
        for (const it of items) {
          const first = seen.get(it.key);
          if (first !== undefined) dups.push({ row: it.row, first });
          else (seen.set(it.key, it.row), fresh.push(it));
        }
        const inserted = new Set<string>(
          (await db.query(`INSERT INTO pg_temp.import_file_key (job, file, key, row_number) SELECT $4, $1, k, r FROM unnest($2::text[], $3::int[]) AS u(k, r) ON CONFLICT DO NOTHING RETURNING key`, [fi, fresh.map((i) => i.key), fresh.map((i) => i.row), jobId])).rows.map((r) => r.key),
        );
        const earlier = fresh.filter((i) => !inserted.has(i.key));
        if (earlier.length) {
          const firsts = new Map<string, number>((await db.query(`SELECT key, row_number FROM pg_temp.import_file_key WHERE job = $3 AND file = $1 AND key = ANY($2::text[])`, [fi, earlier.map((i) => i.key), jobId])).rows.map((r) => [r.key, r.row_number]));
          for (const i of earlier) dups.push({ row: i.row, first: firsts.get(i.key)! });
        }
        for (const d of dups.sort((a, b) => a.row - b.row)) reject(c, d.row, [{ field: KEY_FIELD[file.type], rule: 'DUPLICATE_KEY', message: `same key as row ${d.first}` }]);
        return fresh.filter((i) => inserted.has(i.key));
      };

      const processBatch = async () => {
        const read = batch.length;
        if (!read) return;
        const rows = await firstOfKeys(batch);
        batch = [];
        const emails = rows.map((r) => (r.value as { email?: string }).email).filter((e): e is string => !!e);
        if (emails.length) await ensureLeads(emails);
        if (file.type === 'targets' || file.type === 'accounts') {
          const ks = rows.map((r) => (file.type === 'targets' ? (r.value as TargetRow).month : (r.value as AccountRow).domain));
          const existing = new Set(
            (file.type === 'targets'
              ? (await db.query(`SELECT month AS k FROM revenue_target WHERE month = ANY($1::text[])`, [ks])).rows
              : (await db.query(`SELECT domain AS k FROM account WHERE domain = ANY($1::text[])`, [ks])).rows
            ).map((r) => r.k),
          );
          for (const r of rows) {
            if (file.type === 'targets') {
              const t = r.value as TargetRow;
              if (existing.has(t.month)) c.skipped++;
              else (add('revenue_target', [t.month, t.amount, 'import']), c.imported++);
            } else {
              const a = r.value as AccountRow;
              const owner = ownerOf(a.ownerEmail, c, r.row);
              if (owner === undefined) continue;
              if (existing.has(a.domain)) c.skipped++;
              else (add('account', [a.domain, a.name, a.industry, a.companySize, owner?.id ?? null]), c.imported++);
            }
          }
        }
        for (const r of rows) {
          if (file.type === 'targets' || file.type === 'accounts') break;
          const v = r.value as { email: string };
          if (file.type === 'people') {
            const p = v as PersonRow;
            if (leads.has(p.email)) {
              c.skipped++;
              continue;
            }
            const id = randomUUID();
            const at = p.createdAt.getTime();
            const s = newLead(id, at);
            leads.set(p.email, s);
            missing.delete(p.email);
            add('lead', [id, p.email, p.firstName, p.lastName, p.company, p.title, p.industry, p.companySize, p.country, p.source, JSON.stringify(p.utm), `lead:${id}`, iso(at), iso(at), iso(at)], id);
            add('stage_transition', [`lead:${id}/first-touch`, id, null, 'FIRST_TOUCH', iso(at), SYSTEM.id, SYSTEM.role, 'Lead captured', null, null], id);
            c.imported++;
            continue;
          }
          const s = leads.get(v.email);
          if (!s) {
            reject(c, r.row, [{ field: 'email', rule: 'KNOWN_PERSON', message: `no person ${v.email} in Baton or in this import's people file` }]);
            continue;
          }
          if (file.type === 'touchpoints') {
            const t = v as TouchpointRow;
            const at = t.occurredAt.getTime();
            if (s.eventKeys.has(`${at}|${t.type}`)) {
              c.skipped++;
              continue;
            }
            s.eventKeys.add(`${at}|${t.type}`);
            add('engagement_event', [`import:${s.id}/${iso(at)}/${t.type}`, s.id, t.type, iso(at), iso(at), t.channel, t.campaign, JSON.stringify(t.utm), t.url, t.contentTitle, 'IMPORT'], s.id);
            c.imported++;
            continue;
          }
          if (file.type === 'opportunities') {
            const o = v as OpportunityRow;
            const at = o.createdAt.getTime();
            const owner = ownerOf(o.ownerEmail, c, r.row);
            if (owner === undefined) continue;
            if (s.opportunities.has(at)) {
              c.skipped++;
              continue;
            }
            const closedAt = o.closedAt?.getTime() ?? null;
            const closeTo = o.status === 'WON' ? 'CLOSED_WON' : 'CLOSED_LOST';
            const hasOpp = s.transitionKeys.has(`OPPORTUNITY|${at}`);
            const hasClose = closedAt !== null && s.transitionKeys.has(`${closeTo}|${closedAt}`);
            let problem = hasOpp ? null : orderViolation(s.stages, 'OPPORTUNITY', at);
            let field = 'created_at';
            if (!problem && closedAt !== null && !hasClose) {
              const stages = [...s.stages];
              if (!hasOpp) insertByTime(stages, { at, stage: 'OPPORTUNITY' });
              problem = orderViolation(stages, 'CLOSED', closedAt, closeTo);
              field = 'closed_at';
            }
            if (problem) {
              reject(c, r.row, [{ field, rule: 'ORDER', message: problem }]);
              continue;
            }
            const ownerId = owner?.id ?? ownerAt(s, at);
            const oppId = randomUUID();
            s.opportunities.add(at);
            add('opportunity', [oppId, `import:${s.id}/opportunity@${iso(at)}`, s.id, ownerId, o.amount, o.expectedCloseAt.toISOString(), iso(at), o.status, closedAt === null ? null : iso(closedAt), o.reason, '{}'], s.id);
            if (!hasOpp) transition(s, stageAt(s.stages, at), 'OPPORTUNITY', at, actorOf(ownerId), `Opportunity created: ${o.amount}`, { opportunityId: oppId, amount: o.amount, expectedCloseAt: o.expectedCloseAt.toISOString() }, definitionVersion);
            if (closedAt !== null && !hasClose) transition(s, 'OPPORTUNITY', closeTo, closedAt, actorOf(ownerId), `Opportunity ${o.status === 'WON' ? 'won' : 'lost'}: ${o.reason ?? ''}`.trim(), { reason: o.reason }, definitionVersion);
            c.imported++;
            continue;
          }
          // lifecycle
          const l = v as LifecycleRow;
          const at = l.occurredAt.getTime();
          const owner = ownerOf(l.ownerEmail, c, r.row);
          if (owner === undefined) continue;
          const current = stageAt(s.stages, at);
          const by = owner?.id ?? ownerAt(s, at);
          const order = (event: keyof typeof EVENT_RULES, to?: string | null) => {
            const problem = orderViolation(s.stages, event, at, to);
            if (problem) reject(c, r.row, [{ field: 'occurred_at', rule: 'ORDER', message: problem }]);
            return !problem;
          };
          const skip = () => {
            c.skipped++;
          };
          switch (l.event) {
            case 'MQL': {
              const to = l.missingFields.length ? 'INCOMPLETE' : 'MQL';
              if (s.transitionKeys.has(`${to}|${at}`)) {
                skip();
                continue;
              }
              if (!order('MQL', to)) continue;
              const score = l.score ?? 0;
              if (!s.handoffs.some((h) => h.at === at)) {
                insertByTime(s.handoffs, { at, hot: l.hot, demo: l.demoRequest });
                add('handoff', [`import:${s.id}/handoff@${iso(at)}`, s.id, to === 'MQL' ? 'MQL' : 'INCOMPLETE', iso(at), definitionVersion, l.hot, l.demoRequest, score, '[]', '[]', l.missingFields.join('|')], s.id);
              }
              if (to === 'MQL') transition(s, current, 'MQL', at, SYSTEM, 'Handoff criteria met', { triggers: [], score, imported: true }, definitionVersion);
              else transition(s, current, 'INCOMPLETE', at, SYSTEM, `Meets the handoff triggers but lacks: ${l.missingFields.join(', ')}`, { missingFields: l.missingFields }, null);
              break;
            }
            case 'ROUTED': {
              if (s.routings.some((x) => x.at === at)) {
                skip();
                continue;
              }
              if (!order('ROUTED')) continue;
              const rep = owner?.id ?? null;
              const previous = ownerAt(s, at);
              insertByTime(s.routings, { at, rep, imported: true });
              insertByTime(s.owners, { at, owner: rep });
              add('routing_decision', [`import:${s.id}/route@${iso(at)}`, s.id, 'import', rep, rep ? null : 'unassigned', JSON.stringify([{ imported: true }]), iso(at)], s.id);
              if (previous && rep && previous !== rep && !s.transitionKeys.has(`MQL|${at}`)) transition(s, 'MQL', 'MQL', at, SYSTEM, 'Reassigned (imported)', { fromOwnerId: previous, toOwnerId: rep }, definitionVersion);
              break;
            }
            case 'REASSIGNED': {
              if (current && s.transitionKeys.has(`${current}|${at}`)) {
                skip();
                continue;
              }
              if (!order('REASSIGNED')) continue;
              const previous = ownerAt(s, at);
              insertByTime(s.owners, { at, owner: owner!.id });
              transition(s, current, current!, at, SYSTEM, 'Reassigned (imported)', { fromOwnerId: previous, toOwnerId: owner!.id }, definitionVersion);
              break;
            }
            case 'SALES_TOUCH': {
              if (!by) {
                reject(c, r.row, [{ field: 'owner_email', rule: 'REQUIRED', message: 'a touch needs its rep (owner_email) when the lead has no owner' }]);
                continue;
              }
              if (s.touchKeys.has(`${by}|${at}`)) {
                skip();
                continue;
              }
              if (!order('SALES_TOUCH')) continue;
              s.touchKeys.add(`${by}|${at}`);
              insertByTime(s.touches, { at, rep: by });
              add('touch', [`import:${s.id}/touch/${by}@${iso(at)}`, s.id, by, l.channel, l.outcome, iso(at), (l.loggedAt ?? l.occurredAt).toISOString(), l.note], s.id);
              break;
            }
            default: {
              const to = EVENT_RULES[l.event].to!;
              if (s.transitionKeys.has(`${to}|${at}`)) {
                skip();
                continue;
              }
              if (!order(l.event)) continue;
              const note = l.note;
              if (l.event === 'ACCEPTED') transition(s, current, 'SAL', at, actorOf(by), 'Accepted by sales', null, definitionVersion);
              else if (l.event === 'REJECTED') transition(s, current, 'REJECTED', at, actorOf(by), `Rejected: ${l.code}${note ? ` (${note})` : ''}`, { code: l.code, note, survivorLeadId: null }, definitionVersion);
              else if (l.event === 'SQL') transition(s, current, 'SQL', at, actorOf(by), 'Qualified (BANT)', null, definitionVersion);
              else if (l.event === 'DISQUALIFIED') transition(s, current, 'DISQUALIFIED', at, actorOf(owner?.id ?? null), `Disqualified: ${l.code}${note ? ` (${note})` : ''}`, { reason: l.code, note }, definitionVersion);
              else if (l.event === 'RECYCLED') {
                const policy = definition.recycle.find((p) => p.reason === l.code);
                const action = policy?.action ?? 'NURTURE';
                const reengage = l.reengageAt ?? (action === 'NURTURE' && policy && 'reengageDays' in policy ? new Date(at + (policy as { reengageDays: number }).reengageDays * 86_400_000) : null);
                const reengageAt = reengage ? reengage.toISOString() : null;
                transition(s, current, 'RECYCLED', at, actorOf(owner?.id ?? by), action === 'NURTURE' ? `Back to marketing nurture until ${reengageAt}` : action === 'DATA_REPAIR' ? 'Back to marketing for data repair' : 'Closed', { reason: l.code, action, reengageAt }, definitionVersion);
                insertByTime(s.owners, { at, owner: null });
              } else if (l.event === 'REENGAGED') transition(s, current, 'ENGAGED', at, SYSTEM, 'Re-engaged (imported)', null, null);
            }
          }
          c.imported++;
        }
        await flush();
        await flushRejections();
        trimCache();
        totalRows += read;
        const secs = (Date.now() - fileStart) / 1000;
        opts.onProgress?.({ file: c.file, rows: c.read, rowsPerSecond: secs > 0 ? c.read / secs : 0 });
      };

      for await (const rec of readRows(file)) {
        c.read++;
        if (rec.violations) {
          if (rec.row === 1 && rec.violations.some((v) => v.rule === 'UNKNOWN_COLUMN') && file.format === 'csv') c.read--;
          reject(c, rec.row, rec.violations);
          continue;
        }
        const parsed = parse(rec.raw!, rangeNow);
        if (!parsed.ok) {
          reject(c, rec.row, parsed.violations!);
          continue;
        }
        batch.push({ row: rec.row, value: parsed.value, key: fileKey(file.type, parsed.value as never) });
        if (batch.length >= batchSize) await processBatch();
      }
      await processBatch();
    }

    // ------------------------------------------------------------------ the finishing pass
    // Over every lead a batch wrote to (import_pending_lead: this run's, and any a crashed run
    // left), 1,000 at a time: historical SLA clocks, the lead's projection, then adoption.
    await flushRejections();
    leads.clear();
    missing.clear();
    const adoption = { candidates: 0, started: 0, alreadyRunning: 0, notAdopted: 0 };

    /** Derives what follows from a lead's whole history, once all its rows are in. */
    async function finishLeads(chunk: string[]): Promise<void> {
      const states = await loadHistories((await db.query(`SELECT id, owner_id FROM lead WHERE id = ANY($1::uuid[])`, [chunk])).rows);
      // A lead with clocks of its own (it was live in Baton) keeps them; the import adds none.
      const live = new Set<string>((await db.query(`SELECT DISTINCT lead_id FROM sla_clock WHERE lead_id = ANY($1::uuid[]) AND step_key NOT LIKE 'import:%'`, [chunk])).rows.map((r) => r.lead_id));
      const clocks: Row[] = [];
      const breaches = new Map<string, Row>();
      for (const s of states.values()) {
        if (live.has(s.id)) continue;
        s.routings.forEach((routing, idx) => {
          if (!routing.imported || !routing.rep) return;
          const { at, rep } = routing;
          const user = userById.get(rep);
          if (!user?.calendar) return;
          const nextAt = s.routings[idx + 1]?.at ?? Infinity;
          const handoff = [...s.handoffs].reverse().find((h) => h.at <= at);
          const decision = s.stages.find((e) => e.at >= at && e.at < nextAt && (e.stage === 'SAL' || e.stage === 'REJECTED'));
          const touch = s.touches.find((t) => t.rep === rep && t.at >= at && t.at < nextAt);
          const movedOn = s.stages.find((e) => e.at > at && !['MQL', 'SAL'].includes(e.stage));
          const result = historicalClocks(
            {
              at: new Date(at),
              nextRoutingAt: Number.isFinite(nextAt) ? new Date(nextAt) : null,
              calendar: user.calendar,
              demoRequest: handoff?.demo ?? false,
              hot: handoff?.hot ?? false,
              decision: decision ? { at: new Date(decision.at), stage: decision.stage as 'SAL' | 'REJECTED' } : null,
              firstTouchAt: touch ? new Date(touch.at) : null,
              movedOnAt: movedOn ? new Date(movedOn.at) : null,
            },
            definition.sla,
            now,
          );
          for (const k of result) {
            // A clock still running belongs to the adopted live workflow, which opens it itself.
            if (opts.adopt && k.status === 'PENDING') continue;
            const stepKey = `import:${s.id}/route@${iso(at)}/${k.kind}`;
            clocks.push([stepKey, s.id, k.kind, rep, k.startedAt.toISOString(), k.dueAt.toISOString(), k.status, k.metAt?.toISOString() ?? null, k.breachedAt?.toISOString() ?? null]);
            if (k.status === 'BREACHED') breaches.set(stepKey, [s.id, rep, user.managerId, k.kind, k.dueAt.toISOString(), k.breachedAt!.toISOString()]);
          }
        });
        // Every imported touch had to be logged within the logging window.
        for (const t of s.touches) {
          if (!t.imported || t.loggedAt === undefined) continue;
          // As the live workflow records it when the touch is logged: settled at the logging instant.
          const { dueAt, status } = touchLoggingClock(new Date(t.at), new Date(t.loggedAt), definition.sla);
          const stepKey = `import:${s.id}/touch/${t.rep}@${iso(t.at)}/TOUCH_LOGGING`;
          const loggedAt = iso(t.loggedAt);
          clocks.push([stepKey, s.id, 'TOUCH_LOGGING', t.rep, iso(t.at), dueAt.toISOString(), status, status === 'MET' ? loggedAt : null, status === 'BREACHED' ? loggedAt : null]);
          if (status === 'BREACHED') breaches.set(stepKey, [s.id, t.rep, userById.get(t.rep)?.managerId ?? null, 'TOUCH_LOGGING', dueAt.toISOString(), loggedAt]);
        }
      }
      await db.query('BEGIN');
      try {
        await db.query(DEFER);
        // Clocks are keyed by their routing: one written before (a re-run) is left as it is.
        const inserted = await insertMany(
          db,
          'sla_clock',
          [['step_key', 'text'], ['lead_id', 'uuid'], ['kind', 'text'], ['owner_id', 'uuid'], ['started_at', 'timestamptz'], ['due_at', 'timestamptz'], ['status', 'text'], ['met_at', 'timestamptz'], ['breached_at', 'timestamptz']],
          clocks,
          'ON CONFLICT (step_key) DO NOTHING RETURNING id, step_key',
        );
        const breachRows = inserted.rows.filter((r) => breaches.has(r.step_key as string)).map((r) => [r.id, ...breaches.get(r.step_key as string)!]);
        await insertMany(db, 'sla_breach', [['clock_id', 'uuid'], ['lead_id', 'uuid'], ['owner_id', 'uuid'], ['manager_id', 'uuid'], ['kind', 'text'], ['due_at', 'timestamptz'], ['breached_at', 'timestamptz']], breachRows, 'ON CONFLICT (clock_id) DO NOTHING');
          // FIRST_TOUCH -> ENGAGED at the first marketing touchpoint before anything else happened.
          await db.query(
            `WITH first_event AS (
               SELECT l.id AS lead_id, e.occurred_at, e.type FROM unnest($1::uuid[]) AS l(id)
               JOIN LATERAL (SELECT occurred_at, type FROM engagement_event WHERE lead_id = l.id ORDER BY occurred_at, id LIMIT 1) e ON true
               WHERE EXISTS (SELECT 1 FROM stage_transition f WHERE f.lead_id = l.id AND f.to_stage = 'FIRST_TOUCH' AND f.occurred_at <= e.occurred_at)
                 AND NOT EXISTS (SELECT 1 FROM stage_transition s WHERE s.lead_id = l.id AND s.to_stage <> 'FIRST_TOUCH' AND s.occurred_at <= e.occurred_at)
                 AND NOT EXISTS (SELECT 1 FROM stage_transition s WHERE s.lead_id = l.id AND s.to_stage = 'ENGAGED'
                                  AND s.occurred_at < COALESCE((SELECT min(x.occurred_at) FROM stage_transition x WHERE x.lead_id = l.id AND x.to_stage NOT IN ('FIRST_TOUCH','ENGAGED')), 'infinity'))
             ), ins AS (
               INSERT INTO stage_transition (step_key, lead_id, from_stage, to_stage, occurred_at, actor_id, actor_role, reason)
               SELECT 'import:' || lead_id || '/ENGAGED@first-touchpoint', lead_id, 'FIRST_TOUCH', 'ENGAGED', occurred_at, 'system', 'SYSTEM', 'Engaged: ' || type FROM first_event
               ON CONFLICT (step_key) DO NOTHING RETURNING lead_id, occurred_at
             )
             UPDATE stage_transition t SET from_stage = 'ENGAGED' FROM ins
             WHERE t.lead_id = ins.lead_id AND t.from_stage = 'FIRST_TOUCH' AND t.step_key LIKE 'import:%' AND t.to_stage <> 'ENGAGED'
               AND t.occurred_at = (SELECT min(y.occurred_at) FROM stage_transition y WHERE y.lead_id = ins.lead_id AND y.occurred_at > ins.occurred_at AND y.to_stage <> 'ENGAGED')`,
            [chunk],
          );
          // The lead row is the projection of its history (what the workflow would show).
          const owners = chunk.map((id) => {
            const s = states.get(id);
            return s && s.owners.length ? ownerAt(s, Infinity) : null;
          });
          const setOwner = chunk.map((id) => !!states.get(id)?.owners.length);
          await db.query(
            `UPDATE lead l SET
               stage = COALESCE(p.stage, l.stage),
               owner_id = CASE WHEN u.set_owner THEN u.owner_id ELSE l.owner_id END,
               mql_at = p.mql_at, routed_at = p.routed_at, accepted_at = p.accepted_at,
               hot = COALESCE(p.hot, l.hot), recycle_count = p.recycle_count,
               reengage_at = CASE WHEN p.stage = 'RECYCLED' THEN p.reengage_at END,
               definition_version = CASE WHEN p.mql_at IS NOT NULL THEN COALESCE(l.definition_version, $4) ELSE l.definition_version END,
               updated_at = now()
             FROM unnest($1::uuid[], $2::uuid[], $3::bool[]) AS u(id, owner_id, set_owner)
             CROSS JOIN LATERAL (SELECT
               (SELECT t.to_stage FROM stage_transition t WHERE t.lead_id = u.id ORDER BY t.occurred_at DESC, (t.from_stage IS DISTINCT FROM t.to_stage) DESC LIMIT 1) AS stage,
               (SELECT max(t.occurred_at) FROM stage_transition t WHERE t.lead_id = u.id AND t.to_stage = 'MQL' AND t.from_stage IS DISTINCT FROM 'MQL') AS mql_at,
               (SELECT max(r.decided_at) FROM routing_decision r WHERE r.lead_id = u.id) AS routed_at,
               (SELECT max(t.occurred_at) FROM stage_transition t WHERE t.lead_id = u.id AND t.to_stage = 'SAL') AS accepted_at,
               (SELECT h.hot FROM handoff h WHERE h.lead_id = u.id ORDER BY h.evaluated_at DESC LIMIT 1) AS hot,
               (SELECT count(*)::int FROM stage_transition t WHERE t.lead_id = u.id AND t.to_stage = 'RECYCLED') AS recycle_count,
               (SELECT (t.details->>'reengageAt')::timestamptz FROM stage_transition t WHERE t.lead_id = u.id AND t.to_stage = 'RECYCLED' ORDER BY t.occurred_at DESC LIMIT 1) AS reengage_at
             ) p
             WHERE l.id = u.id`,
            [chunk, owners, setOwner, definitionVersion],
          );
          await db.query('SELECT kpi_refresh_leads($1::uuid[])', [chunk]);
        await db.query('COMMIT');
      } catch (e) {
        await db.query('ROLLBACK');
        throw e;
      }
    }

    if (!dryRun) {
      const finishStart = Date.now();
      let finished = 0;
      for (;;) {
        const chunk: string[] = (await db.query(`SELECT lead_id FROM import_pending_lead ORDER BY lead_id LIMIT 1000`)).rows.map((r) => r.lead_id);
        if (!chunk.length) break;
        await finishLeads(chunk);
        if (opts.adopt) {
          const a = await adoptOpenLeads(db, chunk, now, opts.adopt);
          for (const k of Object.keys(adoption) as (keyof typeof adoption)[]) adoption[k] += a[k];
        }
        // Off the list only once adopted: after a crash here the next run adopts (idempotently) again.
        await db.query(`DELETE FROM import_pending_lead WHERE lead_id = ANY($1::uuid[])`, [chunk]);
        finished += chunk.length;
        const secs = (Date.now() - finishStart) / 1000;
        opts.onProgress?.({ file: FINISHING, rows: finished, rowsPerSecond: secs > 0 ? finished / secs : 0 });
      }
    }
    const summary = finish(jobId, dryRun ? 'DRY_RUN' : 'SUCCEEDED', dryRun, counts, kept, started, totalRows);
    if (!dryRun && opts.adopt) summary.adoption = adoption;
    await db.query(`UPDATE import_job SET status = $2, counts = $3, finished_at = now() WHERE id = $1`, [jobId, summary.status, JSON.stringify(countsJson(counts))]);
    return summary;
  } catch (e) {
    const summary = finish(jobId, 'FAILED', dryRun, counts, kept, started, 0);
    summary.error = (e as Error).message;
    if (jobId) {
      await db.query('ROLLBACK').catch(() => undefined);
      await db.query(`UPDATE import_job SET status = 'FAILED', counts = $2, error = $3, finished_at = now() WHERE id = $1`, [jobId, JSON.stringify(countsJson(counts)), summary.error]).catch(() => undefined);
    }
    throw Object.assign(e as Error, { summary });
  } finally {
    if (jobId) await db.query(`DELETE FROM pg_temp.import_file_key WHERE job = $1`, [jobId]).catch(() => undefined);
    await db.end();
  }
}

function countsJson(counts: ImportFileCounts[]): Record<string, Omit<ImportFileCounts, 'file'>> {
  return Object.fromEntries(counts.map(({ file, ...rest }) => [file, rest]));
}

function finish(jobId: string, status: ImportSummary['status'], dryRun: boolean, files: ImportFileCounts[], rejections: ImportRejection[], started: number, _rows: number): ImportSummary {
  const totals = files.reduce((t, f) => ({ read: t.read + f.read, imported: t.imported + f.imported, skipped: t.skipped + f.skipped, rejected: t.rejected + f.rejected }), { read: 0, imported: 0, skipped: 0, rejected: 0 });
  const elapsedMs = Date.now() - started;
  return { jobId, status, dryRun, files, totals, rejections, elapsedMs, rowsPerSecond: elapsedMs > 0 ? (totals.read * 1000) / elapsedMs : 0 };
}

/**
 * The imported leads whose history is still open, handed to `adopt`: routed MQLs nobody has
 * accepted or rejected yet, accepted leads in their cadence (SAL), open opportunities, and
 * recycled leads whose re-engage date is still ahead. Open leads the workflow cannot take over
 * as they are are counted, not adopted: an MQL waiting in a queue (no owner), a SQL without
 * an opportunity, a lead whose owner is not recorded, and one that opted out but was never
 * disqualified.
 */
async function adoptOpenLeads(db: Client, ids: string[], now: Date, adopt: NonNullable<ImportOptions['adopt']>): Promise<NonNullable<ImportSummary['adoption']>> {
  const rows = (
    await db.query(
      `SELECT l.id, COALESCE(l.first_touch_at, l.created_at) AS captured_at, l.stage, l.owner_id, l.routed_at, l.accepted_at, l.hot, l.recycle_count, l.reengage_at,
         COALESCE((SELECT h.demo_request FROM handoff h WHERE h.lead_id = l.id ORDER BY h.evaluated_at DESC LIMIT 1), false) AS demo_request,
         (SELECT o.id FROM opportunity o WHERE o.lead_id = l.id AND o.status = 'OPEN' ORDER BY o.created_at DESC LIMIT 1) AS opportunity_id
       FROM lead l WHERE l.id = ANY($1::uuid[]) AND l.stage IN ('MQL','SAL','SQL','OPPORTUNITY','RECYCLED')`,
      [ids],
    )
  ).rows;
  // The owner's touches since the routing: they settle the first-touch clock and fill the cadence.
  const touches = new Map<string, AdoptedTouch[]>();
  const working = rows.filter((r) => ['MQL', 'SAL', 'OPPORTUNITY'].includes(r.stage) && r.owner_id && r.routed_at).map((r) => r.id);
  if (working.length) {
    for (const t of (
      await db.query(
        `SELECT t.id, t.lead_id, t.channel, t.outcome, t.occurred_at, t.logged_at FROM touch t JOIN lead l ON l.id = t.lead_id
         WHERE t.lead_id = ANY($1::uuid[]) AND t.rep_id = l.owner_id AND t.occurred_at >= l.routed_at ORDER BY t.lead_id, t.occurred_at, t.id`,
        [working],
      )
    ).rows) {
      const list = touches.get(t.lead_id) ?? [];
      list.push({ id: t.id, channel: t.channel, outcome: t.outcome, occurredAt: new Date(t.occurred_at).toISOString(), loggedAt: new Date(t.logged_at).toISOString() });
      touches.set(t.lead_id, list);
    }
  }
  const candidates: AdoptionCandidate[] = [];
  let notAdopted = 0;
  const isoOrNull = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  for (const r of rows) {
    const base = {
      leadId: r.id,
      capturedAt: new Date(r.captured_at).toISOString(),
      hot: r.hot,
      demoRequest: r.demo_request,
      recycleCount: r.recycle_count,
      ownerId: r.owner_id,
      routedAt: isoOrNull(r.routed_at),
      acceptedAt: isoOrNull(r.accepted_at),
      touches: touches.get(r.id) ?? [],
      opportunityId: null,
      reengageAt: null,
    };
    const owned = !!(r.owner_id && r.routed_at);
    const optedOut = base.touches.some((t) => t.outcome === 'OPTED_OUT');
    if (r.stage === 'RECYCLED') {
      if (r.reengage_at && new Date(r.reengage_at) > now) candidates.push({ ...base, kind: 'RECYCLED', routedAt: null, acceptedAt: null, touches: [], reengageAt: new Date(r.reengage_at).toISOString() });
    } else if (!owned || optedOut) notAdopted++;
    else if (r.stage === 'MQL') candidates.push({ ...base, kind: 'ROUTED_MQL', acceptedAt: null });
    else if (r.stage === 'SAL' && r.accepted_at) candidates.push({ ...base, kind: 'SAL' });
    else if (r.stage === 'OPPORTUNITY' && r.accepted_at && r.opportunity_id) candidates.push({ ...base, kind: 'OPPORTUNITY', opportunityId: r.opportunity_id });
    else notAdopted++;
  }
  const result = candidates.length ? await adopt(candidates) : { started: 0, alreadyRunning: 0 };
  return { candidates: candidates.length, ...result, notAdopted };
}
