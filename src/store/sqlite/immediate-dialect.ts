import { CompiledQuery, type DatabaseConnection, type Driver, SqliteDialect, SqliteDriver } from "kysely";

type SqliteDialectConfig = ConstructorParameters<typeof SqliteDialect>[0];

/**
 * Transactions start with BEGIN IMMEDIATE: they take the write lock up front and wait on the busy
 * timeout, instead of failing with SQLITE_BUSY when a read turns into a write while another
 * process (the CLI, a second server on the same file) has written in between.
 *
 * ROLLBACK is sent only while a transaction is open: after some errors (SQLITE_FULL, SQLITE_IOERR,
 * SQLITE_NOMEM) SQLite has already rolled the whole transaction back itself, and a ROLLBACK then
 * fails with "cannot rollback - no transaction is active", an error that hid the real one.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly inTransaction: () => boolean,
  ) {
    super(config);
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.inTransaction()) await super.rollbackTransaction(connection);
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(
    config: SqliteDialectConfig,
    private readonly inTransaction: () => boolean,
  ) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config, this.inTransaction);
  }
}
