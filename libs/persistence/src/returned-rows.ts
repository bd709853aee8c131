/**
 * The rows a `DataSource.query` of UPDATE or DELETE … RETURNING gave back: through TypeORM the
 * postgres driver answers those as `[rows, affectedCount]`, while SELECT and INSERT answer the
 * rows themselves. Destructuring the pair as a row reads the row list as if it were one.
 */
export function returnedRows<T = Record<string, any>>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}
