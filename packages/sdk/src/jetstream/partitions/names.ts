/** The durable consumer that serves one partition of a group: `<group>-p<n>`. */
export function partitionConsumer(group: string, partition: number): string {
  return `${group}-p${partition}`;
}

/** The partition a consumer serves in `group`, or undefined when it is not one of the group's. */
export function partitionOfConsumer(group: string, consumer: string): number | undefined {
  const prefix = `${group}-p`;
  const n = consumer.slice(prefix.length);
  return consumer.startsWith(prefix) && /^\d+$/.test(n) ? Number(n) : undefined;
}
