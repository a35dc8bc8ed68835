/**
 * What both stores' numbered migrations share: their shape, the order check, and the refusal to run on
 * a schema newer than the code. Each backend keeps its own list (`sqlite/migrations.ts`,
 * `postgres/migrations.ts`), numbered 1, 2, 3… independently.
 *
 * Rules: never edit a migration that has shipped; add the next number. Times are milliseconds
 * (clock time unless a column says wall time). Columns holding structured values are JSON text.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export interface MigrationReport {
  readonly from: number;
  readonly to: number;
}

/** The database was written by a newer hookline; opening it with this one could corrupt it. */
export class SchemaTooNewError extends Error {
  constructor(
    /** Where the database is: a file path, or a connection string without its password. */
    readonly path: string,
    readonly databaseVersion: number,
    readonly knownVersion: number,
    /** What else the user can do besides upgrading. */
    readonly fix = 'point --data at another directory',
  ) {
    super(
      `the database at ${path} has schema version ${databaseVersion}, but this hookline only knows versions up to ` +
        `${knownVersion}; upgrade hookline, or ${fix}`,
    );
    this.name = 'SchemaTooNewError';
  }
}

export function assertNumberedInOrder(migrations: readonly Migration[]): void {
  migrations.forEach((migration, i) => {
    if (migration.version !== i + 1) {
      throw new Error(`migration "${migration.name}" is numbered ${migration.version} but sits at position ${i + 1}; number migrations 1, 2, 3… in order`);
    }
  });
}
