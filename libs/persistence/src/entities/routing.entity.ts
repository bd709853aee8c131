import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type RoutingStrategy = 'ROUND_ROBIN' | 'WEIGHTED_ROUND_ROBIN' | 'LEAST_LOADED';
export type RoutingRuleKind = 'ACCOUNT_OWNER' | 'TERRITORY' | 'FALLBACK';

/** A pool of reps; `cursor` is the durable round-robin position, advanced under a row lock. */
@Entity('routing_pool')
export class RoutingPoolEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text', unique: true }) name: string;
  @Column({ type: 'text' }) strategy: RoutingStrategy;
  @Column({ type: 'uuid', array: true, name: 'rep_ids' }) repIds: string[];
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) cursor: number;
}

/** An ordered routing rule: the first that yields an eligible rep wins. */
@Entity('routing_rule')
export class RoutingRuleEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'int', unique: true }) position: number;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) kind: RoutingRuleKind;
  /** TERRITORY match: { regions?: string[], sizeBands?: string[], industries?: string[] } (empty = any). */
  @Column({ type: 'jsonb' }) criteria: { regions?: string[]; sizeBands?: string[]; industries?: string[] };
  @Column({ type: 'uuid', name: 'pool_id', nullable: true }) poolId: string | null;
  @Column({ type: 'uuid', name: 'fallback_rep_id', nullable: true }) fallbackRepId: string | null;
  @Column({ type: 'text', name: 'fallback_queue', nullable: true }) fallbackQueue: string | null;
  @Column({ type: 'boolean' }) active: boolean;
}

/** Every routing decision with its trace: which rule matched, who was skipped and why. */
@Entity('routing_decision')
export class RoutingDecisionEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text', name: 'step_key', unique: true }) stepKey: string;
  @Column({ type: 'uuid', name: 'lead_id' }) leadId: string;
  @Column({ type: 'text', name: 'rule_id', nullable: true }) ruleId: string | null;
  @Column({ type: 'uuid', name: 'rep_id', nullable: true }) repId: string | null;
  @Column({ type: 'text', nullable: true }) queue: string | null;
  @Column({ type: 'jsonb' }) trace: unknown;
  @Column({ type: 'timestamptz', name: 'decided_at' }) decidedAt: Date;
}
