import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';

/** 'HH:mm' local times; an end at or before the start runs overnight into the next day. */
@InputType()
export class TimeWindowInput {
  @Field({ description: 'Local opening time, HH:mm.' }) start: string;
  @Field({ description: 'Local closing time, HH:mm.' }) end: string;
}

@InputType()
export class WeeklyHoursInput {
  @Field(() => Int, { description: '0 = Sunday .. 6 = Saturday.' }) weekday: number;
  @Field(() => [TimeWindowInput]) windows: TimeWindowInput[];
}

/** A rep's business calendar: the basis of every SLA clock and cadence step. Days not listed are closed. */
@InputType()
export class CalendarInput {
  @Field({ description: 'IANA time zone, e.g. Europe/Berlin.' }) timeZone: string;
  @Field(() => [WeeklyHoursInput]) weekly: WeeklyHoursInput[];
  @Field(() => [String], { nullable: true, description: 'Local dates YYYY-MM-DD; a holiday closes the windows that start on it.' }) holidays?: string[];
}

@ObjectType('TimeWindow')
export class TimeWindowType {
  @Field() start: string;
  @Field() end: string;
}

@ObjectType('WeeklyHours')
export class WeeklyHoursType {
  @Field(() => Int) weekday: number;
  @Field(() => [TimeWindowType]) windows: TimeWindowType[];
}

@ObjectType('Calendar')
export class CalendarType {
  @Field() timeZone: string;
  @Field(() => [WeeklyHoursType], { description: 'Open days only, Sunday first.' }) weekly: WeeklyHoursType[];
  @Field(() => [String]) holidays: string[];
}
