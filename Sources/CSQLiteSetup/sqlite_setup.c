#include "sqlite_setup.h"

#include <sqlite3.h>

// sqlite3_config is variadic, which Swift cannot call; this is its one call, with its arguments fixed.
int airlock_sqlite_setup(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
