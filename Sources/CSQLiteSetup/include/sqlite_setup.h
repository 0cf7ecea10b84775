#ifndef AIRLOCK_SQLITE_SETUP_H
#define AIRLOCK_SQLITE_SETUP_H

/// Sets SQLite up for this process before its first use: without memory statistics, which
/// SQLite keeps under a global mutex taken on every allocation it makes. Airlock reads none of
/// them (no soft heap limit, no sqlite3_memory_used). Returns SQLITE_OK, or SQLITE_MISUSE when
/// SQLite was already in use (the setting is then left as it was).
int airlock_sqlite_setup(void);

#endif
