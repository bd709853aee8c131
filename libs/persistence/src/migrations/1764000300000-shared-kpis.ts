import { MigrationInterface, QueryRunner } from 'typeorm';

/** The raw tables whose writes change a lead's KPI facts. */
const KPI_FACT_SOURCES = ['stage_transition', 'routing_decision', 'touch', 'opportunity', 'handoff', 'cadence_step'];

/**
 * Shared KPIs (domain brief §5): the organisation's reporting time zone, KPI targets,
 * monthly revenue targets, the attribution model chosen (and locked) per period, KPI
 * snapshots, the indexes the period queries range over, and `baton_business_minutes`, the
 * SQL twin of libs/domain `businessMinutesBetween` so speed to lead in business hours is
 * computed inside the database, and the KPI facts (per MQL cycle, routing and cadence step)
 * kept by triggers so period queries scan narrow tables.
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
    // Index-only scans for the SLA and data completeness periods.
    await q.query(`CREATE INDEX sla_clock_due_cover_idx ON sla_clock (due_at) INCLUDE (started_at, status, met_at, breached_at, kind, owner_id, lead_id)`);
    await q.query(`CREATE INDEX handoff_time_cover_idx ON handoff (evaluated_at) INCLUDE (lead_id, outcome, missing_fields)`);

    // KPI facts: per MQL cycle and per routing, derived from the recorded events by
    // kpi_refresh_leads() (below) so period queries scan one narrow table instead of
    // correlating millions of events per request.
    await q.query(`
      CREATE TABLE kpi_lead_cycle (
        lead_id uuid NOT NULL REFERENCES lead(id),
        mql_at timestamptz NOT NULL,
        cycle_end timestamptz NOT NULL,
        first_routed_at timestamptz,
        first_rep_id uuid,
        last_rep_id uuid,
        decision text,
        decision_at timestamptz,
        decision_rep_id uuid,
        sql_at timestamptz,
        opportunity_at timestamptz,
        recycled_at timestamptz,
        disqualified_at timestamptz,
        disqualify_reason text,
        disqualify_rep_id uuid,
        cadence_required boolean,
        cadence_complete boolean,
        PRIMARY KEY (lead_id, mql_at)
      )`);
    await q.query(`CREATE INDEX kpi_lead_cycle_recycled_idx ON kpi_lead_cycle (recycled_at) WHERE recycled_at IS NOT NULL`);
    await q.query(`CREATE INDEX kpi_lead_cycle_disqualified_idx ON kpi_lead_cycle (disqualified_at) WHERE cadence_required`);
    await q.query(`
      CREATE TABLE kpi_cadence_step (
        cadence_step_id uuid PRIMARY KEY REFERENCES cadence_step(id),
        lead_id uuid NOT NULL REFERENCES lead(id),
        rep_id uuid,
        due_at timestamptz NOT NULL,
        done_at timestamptz,
        left_cadence_at timestamptz
      )`);
    await q.query(`CREATE INDEX kpi_cadence_step_due_idx ON kpi_cadence_step (due_at) INCLUDE (done_at, left_cadence_at, rep_id, lead_id)`);
    await q.query(`
      CREATE TABLE kpi_opportunity (
        opportunity_id uuid PRIMARY KEY REFERENCES opportunity(id),
        lead_id uuid NOT NULL REFERENCES lead(id),
        owner_id uuid,
        created_at timestamptz NOT NULL,
        amount float8 NOT NULL,
        influenced boolean NOT NULL
      )`);
    await q.query(`CREATE INDEX kpi_opportunity_created_idx ON kpi_opportunity (created_at) INCLUDE (amount, influenced, owner_id, lead_id)`);
    await q.query(`CREATE INDEX kpi_lead_cycle_mql_idx ON kpi_lead_cycle (mql_at)`);
    await q.query(`CREATE INDEX kpi_lead_cycle_routed_idx ON kpi_lead_cycle (first_routed_at)`);
    await q.query(`
      CREATE TABLE kpi_routing (
        routing_decision_id uuid PRIMARY KEY REFERENCES routing_decision(id),
        lead_id uuid NOT NULL REFERENCES lead(id),
        rep_id uuid NOT NULL,
        decided_at timestamptz NOT NULL,
        hot boolean NOT NULL,
        first_touch_at timestamptz,
        first_touch_logged_at timestamptz,
        business_minutes float8
      )`);
    await q.query(`CREATE INDEX kpi_routing_time_idx ON kpi_routing (decided_at)`);
    await q.query(`CREATE INDEX kpi_routing_lead_idx ON kpi_routing (lead_id)`);

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

    // Recomputes the KPI facts of the given leads (NULL = every lead) from the raw events.
    // An MQL cycle runs from a transition into MQL (a reassignment MQL -> MQL is not one) to
    // the lead's next; its first routing, first SAL/REJECTED after it, first SQL and first
    // opportunity belong to it. A routing's first touch is the routed rep's first touch
    // before the lead's next routing; business minutes use the rep's calendar when computed.
    await q.query(`
      CREATE FUNCTION kpi_refresh_leads(p_leads uuid[]) RETURNS void LANGUAGE plpgsql AS $fn$
      DECLARE
        lead_filter text := CASE WHEN p_leads IS NULL THEN 'true' ELSE 'lead_id = ANY($1)' END;
      BEGIN
        EXECUTE 'DELETE FROM kpi_lead_cycle WHERE ' || lead_filter USING p_leads;
        EXECUTE 'DELETE FROM kpi_routing WHERE ' || lead_filter USING p_leads;
        EXECUTE 'DELETE FROM kpi_cadence_step WHERE ' || lead_filter USING p_leads;
        EXECUTE 'DELETE FROM kpi_opportunity WHERE ' || lead_filter USING p_leads;
        -- Marketing influence: a marketing touchpoint (engagement event) of the lead at or before the opportunity's creation.
        EXECUTE format($q$
          INSERT INTO kpi_opportunity (opportunity_id, lead_id, owner_id, created_at, amount, influenced)
          SELECT o.id, o.lead_id, o.owner_id, o.created_at, o.amount::float8,
            EXISTS (SELECT 1 FROM engagement_event e WHERE e.lead_id = o.lead_id AND e.occurred_at <= o.created_at)
          FROM opportunity o WHERE %1$s
        $q$, replace(lead_filter, 'lead_id', 'o.lead_id')) USING p_leads;
        EXECUTE format($q$
          INSERT INTO kpi_lead_cycle (lead_id, mql_at, cycle_end, first_routed_at, first_rep_id, last_rep_id, decision, decision_at, decision_rep_id,
            recycled_at, disqualified_at, disqualify_reason, disqualify_rep_id, cadence_required, cadence_complete, sql_at, opportunity_at)
          SELECT m.lead_id, m.mql_at, m.cycle_end, fr.decided_at, fr.rep_id, lr.rep_id, d.to_stage, d.occurred_at, d.rep_id,
            rc.at, dq.occurred_at, dq.reason, dq.rep_id, cad.required,
            tc.n >= cad.min_touches AND tc.n > 0 AND dq.occurred_at - tc.first_at >= make_interval(days => cad.window_days),
            (SELECT min(s.occurred_at) FROM stage_transition s WHERE s.lead_id = m.lead_id AND s.to_stage IN ('SQL','OPPORTUNITY') AND s.occurred_at >= m.mql_at AND s.occurred_at < m.cycle_end),
            (SELECT min(o.created_at) FROM opportunity o WHERE o.lead_id = m.lead_id AND o.created_at >= m.mql_at AND o.created_at < m.cycle_end)
          FROM (
            SELECT lead_id, occurred_at AS mql_at, COALESCE(lead(occurred_at) OVER (PARTITION BY lead_id ORDER BY occurred_at), 'infinity') AS cycle_end
            FROM (SELECT DISTINCT lead_id, occurred_at FROM stage_transition WHERE to_stage = 'MQL' AND from_stage IS DISTINCT FROM 'MQL' AND %1$s) x
          ) m
          LEFT JOIN LATERAL (SELECT r.decided_at, r.rep_id FROM routing_decision r WHERE r.lead_id = m.lead_id AND r.rep_id IS NOT NULL AND r.decided_at >= m.mql_at AND r.decided_at < m.cycle_end ORDER BY r.decided_at LIMIT 1) fr ON true
          LEFT JOIN LATERAL (SELECT r.rep_id FROM routing_decision r WHERE r.lead_id = m.lead_id AND r.rep_id IS NOT NULL AND r.decided_at >= m.mql_at AND r.decided_at < m.cycle_end ORDER BY r.decided_at DESC LIMIT 1) lr ON true
          LEFT JOIN LATERAL (
            SELECT s.to_stage, s.occurred_at, CASE WHEN s.actor_role IN ('SALES_REP','SALES_MANAGER') THEN s.actor_id::uuid END AS rep_id
            FROM stage_transition s WHERE s.lead_id = m.lead_id AND s.to_stage IN ('SAL','REJECTED') AND s.occurred_at >= fr.decided_at AND s.occurred_at < m.cycle_end
            ORDER BY s.occurred_at LIMIT 1
          ) d ON true
          LEFT JOIN LATERAL (SELECT min(s.occurred_at) AS at FROM stage_transition s WHERE s.lead_id = m.lead_id AND s.to_stage = 'RECYCLED' AND s.occurred_at >= m.mql_at AND s.occurred_at < m.cycle_end) rc ON true
          LEFT JOIN LATERAL (
            SELECT s.occurred_at, s.details->>'reason' AS reason, s.definition_version, CASE WHEN s.actor_role IN ('SALES_REP','SALES_MANAGER') THEN s.actor_id::uuid END AS rep_id
            FROM stage_transition s WHERE s.lead_id = m.lead_id AND s.to_stage = 'DISQUALIFIED' AND s.occurred_at >= m.mql_at AND s.occurred_at < m.cycle_end
            ORDER BY s.occurred_at LIMIT 1
          ) dq ON true
          -- The cadence terms and the reasons that require it: the version the lead's MQL pinned.
          LEFT JOIN LATERAL (
            SELECT EXISTS (SELECT 1 FROM jsonb_array_elements(sd.content->'disqualificationReasons') r WHERE r->>'code' = dq.reason AND (r->>'requiresCadence')::boolean) AS required,
              COALESCE((sd.content->'cadence'->>'minTouches')::int, 8) AS min_touches, COALESCE((sd.content->'cadence'->>'windowDays')::int, 14) AS window_days
            FROM stage_definition sd WHERE dq.occurred_at IS NOT NULL AND sd.version = COALESCE(dq.definition_version, (SELECT version FROM stage_definition WHERE status = 'ACTIVE'))
          ) cad ON true
          LEFT JOIN LATERAL (
            SELECT count(*) AS n, min(t.occurred_at) AS first_at FROM touch t
            WHERE dq.occurred_at IS NOT NULL AND t.lead_id = m.lead_id AND t.logged_at < dq.occurred_at AND t.occurred_at >= m.mql_at
          ) tc ON true
        $q$, lead_filter) USING p_leads;
        -- A cadence step is left behind when the lead leaves the cadence (SQL, opportunity,
        -- rejection, disqualification, recycle, close) in the step's MQL cycle before it is due.
        EXECUTE format($q$
          INSERT INTO kpi_cadence_step (cadence_step_id, lead_id, rep_id, due_at, done_at, left_cadence_at)
          SELECT cs.id, cs.lead_id, COALESCE(t.rep_id, l.owner_id), cs.due_at, cs.done_at,
            (SELECT min(x.occurred_at) FROM stage_transition x WHERE x.lead_id = cs.lead_id
               AND x.to_stage IN ('SQL','OPPORTUNITY','REJECTED','DISQUALIFIED','RECYCLED','CLOSED_WON','CLOSED_LOST')
               AND x.occurred_at >= COALESCE(cy.mql_at, '-infinity'))
          FROM cadence_step cs
          LEFT JOIN touch t ON t.id = cs.touch_id
          LEFT JOIN lead l ON l.id = cs.lead_id
          CROSS JOIN LATERAL (SELECT max(m.occurred_at) AS mql_at FROM stage_transition m WHERE m.lead_id = cs.lead_id AND m.to_stage = 'MQL' AND m.from_stage IS DISTINCT FROM 'MQL' AND m.occurred_at <= cs.due_at) cy
          WHERE %1$s
        $q$, replace(lead_filter, 'lead_id', 'cs.lead_id')) USING p_leads;
        EXECUTE format($q$
          INSERT INTO kpi_routing (routing_decision_id, lead_id, rep_id, decided_at, hot, first_touch_at, first_touch_logged_at, business_minutes)
          SELECT rd.id, rd.lead_id, rd.rep_id, rd.decided_at,
            COALESCE((SELECT h.hot FROM handoff h WHERE h.lead_id = rd.lead_id AND h.evaluated_at <= rd.decided_at ORDER BY h.evaluated_at DESC LIMIT 1), false),
            ft.occurred_at, ft.logged_at, baton_business_minutes(u.calendar, rd.decided_at, ft.occurred_at)::float8
          FROM routing_decision rd
          JOIN app_user u ON u.id = rd.rep_id
          LEFT JOIN LATERAL (
            SELECT t.occurred_at, t.logged_at FROM touch t
            WHERE t.lead_id = rd.lead_id AND t.rep_id = rd.rep_id AND t.occurred_at >= rd.decided_at
              AND t.occurred_at < COALESCE((SELECT min(n.decided_at) FROM routing_decision n WHERE n.lead_id = rd.lead_id AND n.decided_at > rd.decided_at), 'infinity')
            ORDER BY t.occurred_at LIMIT 1
          ) ft ON true
          WHERE rd.rep_id IS NOT NULL AND %1$s
        $q$, replace(lead_filter, 'lead_id', 'rd.lead_id')) USING p_leads;
      END $fn$`);
    // Statement-level, so a batch (a cadence of 8 steps, an import batch) refreshes its leads once.
    await q.query(`
      CREATE FUNCTION kpi_refresh_changed_leads() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        -- A bulk writer (the historical import) sets baton.defer_kpi_facts = 'on' for its
        -- transaction and calls kpi_refresh_leads(<its leads>) once before committing.
        IF current_setting('baton.defer_kpi_facts', true) = 'on' THEN RETURN NULL; END IF;
        PERFORM kpi_refresh_leads(ARRAY(SELECT DISTINCT lead_id FROM changed));
        RETURN NULL;
      END $fn$`);
    for (const table of KPI_FACT_SOURCES) {
      await q.query(`CREATE TRIGGER ${table}_kpi_facts_ins AFTER INSERT ON ${table} REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kpi_refresh_changed_leads()`);
      await q.query(`CREATE TRIGGER ${table}_kpi_facts_upd AFTER UPDATE ON ${table} REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kpi_refresh_changed_leads()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of KPI_FACT_SOURCES) {
      await q.query(`DROP TRIGGER ${table}_kpi_facts_ins ON ${table}`);
      await q.query(`DROP TRIGGER ${table}_kpi_facts_upd ON ${table}`);
    }
    await q.query('DROP FUNCTION kpi_refresh_changed_leads()');
    await q.query('DROP FUNCTION kpi_refresh_leads(uuid[])');
    await q.query('DROP TABLE kpi_opportunity');
    await q.query('DROP TABLE kpi_cadence_step');
    await q.query('DROP TABLE kpi_routing');
    await q.query('DROP TABLE kpi_lead_cycle');
    await q.query('DROP FUNCTION baton_business_minutes(jsonb, timestamptz, timestamptz)');
    for (const i of ['handoff_time_cover_idx', 'sla_clock_due_cover_idx', 'opportunity_open_idx', 'opportunity_closed_idx', 'opportunity_created_idx', 'touch_lead_rep_idx', 'routing_decision_time_idx', 'stage_transition_to_time_idx']) await q.query(`DROP INDEX ${i}`);
    for (const t of ['kpi_snapshot', 'attribution_model_choice', 'revenue_target', 'kpi_target', 'organisation_settings']) await q.query(`DROP TABLE ${t}`);
  }
}
