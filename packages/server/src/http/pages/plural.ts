/** `1 code`, `2 codes`: the count with the word that fits it. */
export const plural = (n: number, one: string, many: string): string =>
  `${n} ${n === 1 ? one : many}`;
