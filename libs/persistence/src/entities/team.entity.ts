import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('team')
export class TeamEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index({ unique: true })
  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'uuid', nullable: true, name: 'manager_id' })
  managerId: string | null;
}
