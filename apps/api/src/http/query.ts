/** `?status=pledged,requested` as a list, for class-transformer's @Transform. */
export function commaList({ value }: { value: unknown }): unknown {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : value;
}
