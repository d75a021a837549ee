/** `count(1, 'file')` is "1 file", `count(2, 'file')` "2 files": every count the CLI prints. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
