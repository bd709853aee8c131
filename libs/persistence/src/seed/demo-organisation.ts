import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import type { Role } from '../../../contracts/src/roles';
import { TeamEntity, UserEntity } from '../entities';
import { RoutingPoolEntity, RoutingRuleEntity } from '../entities';

/** Mon–Fri 09:00–17:00 in the given timezone, no holidays: the demo reps' calendar. */
function officeHours(timeZone: string) {
  const day = [{ start: '09:00', end: '17:00' }];
  return { timeZone, weekly: { 0: [], 1: day, 2: day, 3: day, 4: day, 5: day, 6: [] }, holidays: [] as string[] };
}

interface DemoUser {
  email: string;
  name: string;
  role: Role;
  team?: string;
  managerEmail?: string;
  timeZone?: string;
  maxOpenLeads?: number;
}

export const DEMO_DOMAIN = 'demo.baton.dev';

/** Users of every role; the Inbound team's reps work in Berlin and New York. */
export const DEMO_USERS: DemoUser[] = [
  { email: `admin@${DEMO_DOMAIN}`, name: 'Ada Admin', role: 'ADMIN' },
  { email: `revops@${DEMO_DOMAIN}`, name: 'Rita RevOps', role: 'REVOPS' },
  { email: `marketing@${DEMO_DOMAIN}`, name: 'Mia Marketing', role: 'MARKETING' },
  { email: `cro@${DEMO_DOMAIN}`, name: 'Carl CRO', role: 'EXECUTIVE' },
  { email: `cmo@${DEMO_DOMAIN}`, name: 'Cleo CMO', role: 'EXECUTIVE' },
  { email: `manager@${DEMO_DOMAIN}`, name: 'Max Manager', role: 'SALES_MANAGER', team: 'Inbound', timeZone: 'Europe/Berlin' },
  { email: `rep.berlin@${DEMO_DOMAIN}`, name: 'Ben Berlin', role: 'SALES_REP', team: 'Inbound', managerEmail: `manager@${DEMO_DOMAIN}`, timeZone: 'Europe/Berlin' },
  { email: `rep.munich@${DEMO_DOMAIN}`, name: 'Mona Munich', role: 'SALES_REP', team: 'Inbound', managerEmail: `manager@${DEMO_DOMAIN}`, timeZone: 'Europe/Berlin' },
  { email: `rep.newyork@${DEMO_DOMAIN}`, name: 'Nina NewYork', role: 'SALES_REP', team: 'Inbound', managerEmail: `manager@${DEMO_DOMAIN}`, timeZone: 'America/New_York' },
  { email: `webforms@${DEMO_DOMAIN}`, name: 'Web forms integration', role: 'INTEGRATION' },
];

/**
 * Seed the demo organisation. Idempotent by natural key (email, team name): a second run
 * changes nothing and reports `created: false`.
 */
export async function seedDemoOrganisation(db: DataSource): Promise<{ created: boolean }> {
  return db.transaction(async (tx) => {
    await seedDefaultRouting(tx); // organisations seeded before routing existed get it too
    const users = tx.getRepository(UserEntity);
    if (await users.exists({ where: { email: DEMO_USERS[0].email } })) return { created: false };
    const teams = tx.getRepository(TeamEntity);
    const inbound = await teams.save(teams.create({ name: 'Inbound' }));
    const byEmail = new Map<string, UserEntity>();
    for (const u of DEMO_USERS) {
      const saved = await users.save(
        users.create({
          email: u.email,
          name: u.name,
          role: u.role,
          teamId: u.team ? inbound.id : null,
          managerId: u.managerEmail ? byEmail.get(u.managerEmail)?.id ?? null : null,
          calendar: u.timeZone ? officeHours(u.timeZone) : null,
          maxOpenLeads: u.maxOpenLeads ?? 50,
        }),
      );
      byEmail.set(u.email, saved);
    }
    inbound.managerId = byEmail.get(`manager@${DEMO_DOMAIN}`)!.id;
    await teams.save(inbound);
    await seedDefaultRouting(tx);
    return { created: true };
  });
}

/**
 * The default routing (domain brief §3): the account's owner first, then EMEA leads round
 * robin between the Berlin and Munich reps, NA leads to the New York rep, and everything
 * else to the manager (or the 'unassigned' queue when the manager cannot take it).
 * Idempotent: does nothing when any pool or rule exists or the demo reps are missing.
 */
export async function seedDefaultRouting(tx: EntityManager): Promise<boolean> {
  const pools = tx.getRepository(RoutingPoolEntity);
  const rules = tx.getRepository(RoutingRuleEntity);
  if ((await pools.count()) > 0 || (await rules.count()) > 0) return false;
  const users = tx.getRepository(UserEntity);
  const byLocal = async (local: string) => (await users.findOne({ where: { email: `${local}@${DEMO_DOMAIN}` } }))?.id;
  const [berlin, munich, newYork, manager] = [await byLocal('rep.berlin'), await byLocal('rep.munich'), await byLocal('rep.newyork'), await byLocal('manager')];
  if (!berlin || !munich || !newYork || !manager) return false;
  const emea = await pools.save(pools.create({ name: 'EMEA', strategy: 'ROUND_ROBIN', repIds: [berlin, munich], cursor: 0 }));
  const na = await pools.save(pools.create({ name: 'NA', strategy: 'ROUND_ROBIN', repIds: [newYork], cursor: 0 }));
  const rule = (r: Partial<RoutingRuleEntity>) => rules.create({ criteria: {}, poolId: null, fallbackRepId: null, fallbackQueue: null, active: true, ...r });
  await rules.save([
    rule({ position: 10, name: 'Account owner', kind: 'ACCOUNT_OWNER' }),
    rule({ position: 20, name: 'EMEA territory', kind: 'TERRITORY', criteria: { regions: ['EMEA'] }, poolId: emea.id }),
    rule({ position: 30, name: 'NA territory', kind: 'TERRITORY', criteria: { regions: ['NA'] }, poolId: na.id }),
    rule({ position: 1000, name: 'Fallback: manager, else the unassigned queue', kind: 'FALLBACK', fallbackRepId: manager, fallbackQueue: 'unassigned' }),
  ]);
  return true;
}
