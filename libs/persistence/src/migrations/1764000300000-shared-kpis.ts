import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shared KPIs (domain brief §5): the organisation's reporting time zone, KPI targets,
 * monthly revenue targets, the attribution model chosen (and locked) per period, KPI
 * snapshots, the indexes the period queries range over, and `baton_business_minutes`, the
 * SQL twin of libs/domain `businessMinutesBetween` so speed to lead in business hours is
 * computed inside the database.
 */
export class SharedKpis1764000300000 implements MigrationInterface {
  name = 'SharedKpis1764000300000';

  async up(q: QueryRunner): Promise<void> {
    // One organisation per deployment: a single settings row (id is always 1).
    await q.query(`
      CREATE TABLE organisation_settings (
        id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        reporting_time_zone text NOT NULL DEFAULT 'UTC',
        currency text NOT NULL DEFAULT 'EUR',
        updated_by text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO organisation_settings (id) VALUES (1)`);

    await q.query(`
      CREATE TABLE kpi_target (
        kpi text PRIMARY KEY,
        target numeric NOT NULL,
        direction text NOT NULL CHECK (direction IN ('ABOVE','AT_LEAST','BELOW','AT_MOST')),
        amber_band numeric NOT NULL DEFAULT 0.1 CHECK (amber_band >= 0),
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE revenue_target (
        month text PRIMARY KEY CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        amount numeric(14,2) NOT NULL CHECK (amount > 0),
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The model is chosen for a period before it starts; from the period's first instant it is locked.
    await q.query(`
      CREATE TABLE attribution_model_choice (
        period_from date PRIMARY KEY,
        period_to date NOT NULL CHECK (period_to >= period_from),
        model text NOT NULL CHECK (model IN ('FIRST_TOUCH','LAST_TOUCH','LINEAR','U_SHAPED','W_SHAPED','TIME_DECAY')),
        locks_at timestamptz NOT NULL,
        chosen_by text NOT NULL,
        chosen_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE kpi_snapshot (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dedupe_key text NOT NULL UNIQUE,
        trigger text NOT NULL CHECK (trigger IN ('DAILY','ON_DEMAND','SPRINT_BASELINE','SPRINT_OUTCOME','REVIEW')),
        period_start timestamptz NOT NULL,
        period_end timestamptz NOT NULL,
        period_from date NOT NULL,
        period_to date NOT NULL,
        time_zone text NOT NULL,
        as_of timestamptz NOT NULL,
        taken_by text NOT NULL,
        measures jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX kpi_snapshot_time_idx ON kpi_snapshot (as_of DESC)`);

    // The period queries range over event instants.
    await q.query(`CREATE INDEX stage_transition_to_time_idx ON stage_transition (to_stage, occurred_at)`);
    await q.query(`CREATE INDEX routing_decision_time_idx ON routing_decision (decided_at) WHERE rep_id IS NOT NULL`);
    await q.query(`CREATE INDEX touch_lead_rep_idx ON touch (lead_id, rep_id, occurred_at)`);
    await q.query(`CREATE INDEX opportunity_created_idx ON opportunity (created_at)`);
    await q.query(`CREATE INDEX opportunity_closed_idx ON opportunity (closed_at)`);
    await q.query(`CREATE INDEX opportunity_open_idx ON opportunity (created_at) WHERE closed_at IS NULL`);

    // Business minutes between two instants in a BusinessCalendar ({timeZone, weekly, holidays}),
    // as libs/domain businessMinutesBetween: each window belongs to the local date it starts on
    // (a holiday closes the windows starting that day), end <= start runs overnight. Saved
    // calendars never overlap (validateCalendar), so windows are summed without a cursor.
    await q.query(`
      CREATE FUNCTION baton_business_minutes(cal jsonb, from_at timestamptz, to_at timestamptz)
      RETURNS numeric LANGUAGE sql STABLE AS $$
        SELECT CASE
          WHEN cal IS NULL OR from_at IS NULL OR to_at IS NULL THEN NULL
          WHEN to_at < from_at THEN -baton_business_minutes(cal, to_at, from_at)
          ELSE COALESCE((
            SELECT sum(EXTRACT(EPOCH FROM (LEAST(w.end_at, to_at) - GREATEST(w.start_at, from_at))) / 60)
            FROM (SELECT (from_at AT TIME ZONE (cal->>'timeZone'))::date - 1 AS first_day,
                         (to_at AT TIME ZONE (cal->>'timeZone'))::date AS last_day) AS r
            CROSS JOIN LATERAL generate_series(0, r.last_day - r.first_day) AS n(i)
            CROSS JOIN LATERAL (SELECT r.first_day + n.i AS day) AS d
            CROSS JOIN LATERAL jsonb_array_elements(COALESCE(cal->'weekly'->(EXTRACT(DOW FROM d.day)::int::text), '[]'::jsonb)) AS win(v)
            CROSS JOIN LATERAL (
              SELECT (d.day + (win.v->>'start')::time) AT TIME ZONE (cal->>'timeZone') AS start_at,
                     (d.day + CASE WHEN (win.v->>'end')::time > (win.v->>'start')::time THEN interval '0' ELSE interval '1 day' END
                            + (win.v->>'end')::time) AT TIME ZONE (cal->>'timeZone') AS end_at
            ) AS w
            WHERE NOT (COALESCE(cal->'holidays', '[]'::jsonb) ? to_char(d.day, 'YYYY-MM-DD'))
              AND LEAST(w.end_at, to_at) > GREATEST(w.start_at, from_at)
          ), 0)
        END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION baton_business_minutes(jsonb, timestamptz, timestamptz)');
    for (const i of ['opportunity_open_idx', 'opportunity_closed_idx', 'opportunity_created_idx', 'touch_lead_rep_idx', 'routing_decision_time_idx', 'stage_transition_to_time_idx']) await q.query(`DROP INDEX ${i}`);
    for (const t of ['kpi_snapshot', 'attribution_model_choice', 'revenue_target', 'kpi_target', 'organisation_settings']) await q.query(`DROP TABLE ${t}`);
  }
}
