/** Code-unit order, as PostgreSQL's "C" collation sorts; enough for ids and for the fakes' titles. */
export function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
