import { sql, type Kysely } from 'kysely';
import type { MigrationPhase } from './phase.js';

export const phase: MigrationPhase = 'expand';

// Migrations take Kysely<any>: they describe the schema as it was at their time, not as the
// row types in tables.ts describe it now.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);

  await db.schema
    .createTable('organization')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('code', 'text', (col) => col.unique().check(sql`code ~ '^[0-9]{2,12}$'`))
    .addColumn('seed_key', 'text', (col) => col.unique())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('region_name', 'text')
    .addColumn('level', 'text', (col) =>
      col
        .notNull()
        .check(sql`level IN ('NATIONAL', 'PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP', 'VILLAGE')`),
    )
    .addColumn('kind', 'text', (col) =>
      col
        .notNull()
        .check(
          sql`kind IN ('FEDERATION', 'WOMENS_HOME', 'NEW_SECTOR_FEDERATION', 'COMMITTEE', 'DEPARTMENT', 'ACTIVITY_CENTER', 'GROUP_MEMBER')`,
        ),
    )
    .addColumn('parent_id', 'integer', (col) => col.references('organization.id'))
    // Byte order ("C") makes a subtree one contiguous index range: path >= p AND path < p'.
    .addColumn('path', sql`text COLLATE "C"`, (col) => col.notNull().unique())
    .addColumn('depth', 'smallint', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createIndex('organization_parent_idx')
    .on('organization')
    .columns(['parent_id', 'path'])
    .execute();
  await db.schema
    .createIndex('organization_level_path_idx')
    .on('organization')
    .columns(['level', 'path'])
    .execute();
  await sql`CREATE INDEX organization_name_trgm_idx ON organization USING gin (name gin_trgm_ops)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('organization').execute();
}
