/**
 * PocketBase's cron syntax (its `backups.cron` setting): five space-separated fields (minute, hour,
 * day of month, month, day of week), each `*`, `n`, `a-b`, a step `x/n` or a comma list of those,
 * or a macro (`@daily`, …). A minute is due when every field matches it (day of month AND day of
 * week, as PocketBase checks them), in UTC.
 */
export interface CronSchedule {
  readonly expression: string;
  readonly fields: readonly ReadonlySet<number>[];
}

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const BOUNDS: readonly [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];

const INTEGER = /^\d{1,2}$/;

/** The schedule, or a message saying what is wrong with the expression. */
export function parseCronSchedule(expression: string): CronSchedule | string {
  const segments = (MACROS[expression] ?? expression).split(" ");
  if (segments.length !== 5) return "Must be a macro or have exactly 5 space-separated fields.";
  const fields: Set<number>[] = [];
  for (const [i, segment] of segments.entries()) {
    const [min, max] = BOUNDS[i] as [number, number];
    const slots = parseField(segment, min, max);
    if (typeof slots === "string") return slots;
    fields.push(slots);
  }
  return { expression, fields };
}

function parseField(segment: string, min: number, max: number): Set<number> | string {
  const slots = new Set<number>();
  for (const part of segment.split(",")) {
    const [range = "", stepText, extra] = part.split("/");
    if (extra !== undefined) return "A step must look like */n or a-b/n.";
    const step = stepText === undefined ? 1 : INTEGER.test(stepText) ? Number(stepText) : Number.NaN;
    if (!(step >= 1 && step <= max)) return `A step must be between 1 and ${max}.`;
    let from = min;
    let to = max;
    if (range !== "*") {
      const bounds = range.split("-");
      if (bounds.length > 2 || !bounds.every((b) => INTEGER.test(b)))
        return `"${part}" is not a valid field.`;
      from = Number(bounds[0]);
      to = bounds.length === 2 ? Number(bounds[1]) : from;
      if (bounds.length === 1 && step !== 1) return "A step needs a range: */n or a-b/n.";
      if (from < min || to > max || from > to) return `Values must be between ${min} and ${max}.`;
    }
    for (let v = from; v <= to; v += step) slots.add(v);
  }
  return slots;
}

/** Whether the schedule fires in the UTC minute of `at`. */
export function isDue(schedule: CronSchedule, at: Date): boolean {
  const moment = [
    at.getUTCMinutes(),
    at.getUTCHours(),
    at.getUTCDate(),
    at.getUTCMonth() + 1,
    at.getUTCDay(),
  ];
  return schedule.fields.every((slots, i) => slots.has(moment[i] as number));
}
