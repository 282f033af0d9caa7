/** Time as the server sees it; tests pass a controllable one instead of sleeping. */
export type Clock = { now(): number };

export const systemClock: Clock = { now: () => Date.now() };

export const isoAt = (clock: Clock): string => new Date(clock.now()).toISOString();
