/** Runs `fn` over `items`, at most `n` at a time. */
export async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
    const queue = [...items];
    await Promise.all(
        Array.from({ length: Math.min(n, queue.length) }, async () => {
            for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
        }),
    );
}
