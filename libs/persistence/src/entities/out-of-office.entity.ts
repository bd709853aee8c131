import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('out_of_office')
export class OutOfOfficeEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', name: 'user_id' }) userId: string;
  @Column({ type: 'timestamptz', name: 'starts_at' }) startsAt: Date;
  @Column({ type: 'timestamptz', name: 'ends_at' }) endsAt: Date;
}
