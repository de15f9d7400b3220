/**
 * A service moved from one team's file to another's: its Vault role and policy keep their names,
 * so the stack that gives them up must finish deleting them before the stack that takes them over
 * writes them, or the delete would land after the write and leave the service without its role.
 */

/** What each stack holds now (its outputs) or is declared to hold: Vault role and policy names. */
export type Holdings = Record<string, { roles: string[]; policies: string[] }>;

export interface MoveOrder {
    /** Stacks to run (to completion) before the others: they give up names that other stacks take. */
    first: string[];
    /** Moves into a stack that itself gives names up (both would run first, at once): two runs are needed. */
    conflicts: string[];
}

export function moveOrder(current: Holdings, declared: Holdings): MoveOrder {
    const takers = new Map<string, Set<string>>(); // giver → the stacks taking names from it
    for (const [giver, held] of Object.entries(current)) {
        for (const [taker, wants] of Object.entries(declared)) {
            if (taker === giver) continue;
            const moved = wants.roles.some((r) => held.roles.includes(r)) || wants.policies.some((p) => held.policies.includes(p));
            if (moved) takers.set(giver, new Set([...(takers.get(giver) ?? []), taker]));
        }
    }
    const first = [...takers.keys()].sort();
    // A taker that also gives names up would run in the first phase too, beside its giver.
    const conflicts = first.flatMap((giver) =>
        [...takers.get(giver)!].filter((taker) => takers.has(taker)).map((taker) => `${giver} → ${taker}`),
    );
    return { first, conflicts };
}
