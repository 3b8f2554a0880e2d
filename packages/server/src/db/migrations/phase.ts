import type { Migration } from 'kysely/migration';

/**
 * Which side of a rolling upgrade a migration is on (docs/operations.md, "Upgrades while
 * serving"). Servers of the previous release keep running on the database while the new
 * release migrates it, so:
 *
 * - `expand` adds (a table, a column, an index, a function) and back-fills, and leaves
 *   everything the previous release reads and writes working as before: a column the previous
 *   release does not write gets a default or a trigger that fills it.
 * - `contract` removes or narrows (drops a column, an index or a function, adds a constraint)
 *   what only releases before the previous one used: a column is dropped a release after the
 *   one that stopped reading it, never in the release that replaces it.
 */
export type MigrationPhase = 'expand' | 'contract';

export interface PhasedMigration extends Migration {
  phase: MigrationPhase;
}
