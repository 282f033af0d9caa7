/** JSON columns are text in SQLite; a nullable one stores `null` (and `undefined`) as SQL NULL. */
export const json = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);

/** The value of a nullable JSON column, or `null`. */
export const parseJson = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));
