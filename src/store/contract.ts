/**
 * The store contract suite (STO1): one set of node:test cases that every Store implementation
 * must pass, SQLite and PostgreSQL alike. Tests cite the DESIGN.md rule they check.
 *
 * ```ts
 * runStoreContract('sqlite :memory:', () => openSqliteStore(':memory:'));
 * ```
 */
import { describe } from 'node:test';
import { eventsContract } from './contract-events.ts';
import type { StoreHarness } from './contract-fixtures.ts';
import { projectionsContract } from './contract-projections.ts';
import { recordsContract } from './contract-records.ts';
import type { Store } from './types.ts';

/** Options of `runStoreContract`. */
export interface StoreContractOptions {
  /**
   * Opens again the data of a store the suite has closed (a file, a database schema). Without
   * it, the durability test is skipped.
   */
  reopenStore?: (closed: Store) => Promise<Store>;
}

/**
 * Registers the contract's tests under `describe(name)`. `makeStore` must return a new, empty,
 * migrated store each time; the suite closes every store it gets.
 */
export function runStoreContract(
  name: string,
  makeStore: () => Promise<Store>,
  options: StoreContractOptions = {},
): void {
  const harness: StoreHarness = { makeStore };
  if (options.reopenStore) harness.reopenStore = options.reopenStore;
  describe(`Store contract: ${name}`, () => {
    recordsContract(harness);
    eventsContract(harness);
    projectionsContract(harness);
  });
}
