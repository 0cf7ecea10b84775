/// The `sqlite3` shell commands bundle scripts hold, spelled here once: for the producer that
/// writes them and for the applier, which runs SQLite scripts in-process and does what the
/// shell would.
///
/// ```
/// .bail on                           stop at the first error (ScriptSwitches.sqliteBail)
/// .timeout 30000                     wait for a busy target
/// .mode ascii                        \
/// .separator "\001" "\n"              | importLines: each line of FILE as one row of TABLE
/// .import changes/products.ndjson T   |
/// .mode list                         /
/// ```
package enum SQLiteShellCommand: Equatable, Sendable {
    /// What the applier does itself or needs not do: the shell's settings.
    case setting
    /// Each line of `file`, a path relative to the unpacked bundle, as one row of the
    /// one-column table `table`.
    case importLines(file: String, table: String)

    /// The commands that load each line of `file` as one row of `table`: ASCII mode takes no
    /// quotes, and with \001 (which JSON text never holds raw) between fields a whole line is
    /// one field. The shell's list mode is back afterwards, for what the script prints.
    package static func importLines(_ file: String, into table: String) -> [String] {
        [".mode ascii", #".separator "\001" "\n""#, ".import \(file) \(table)", ".mode list"]
    }

    /// The command `line` is, or nil for a line of SQL. Only a line that starts a statement can
    /// be a command (as in the shell); the caller knows whether one does.
    package init?(_ line: Substring) {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        switch words.first {
        case ".import" where words.count == 3:
            self = .importLines(file: String(words[1]), table: String(words[2]))
        case ".bail", ".timeout", ".mode", ".separator":
            self = .setting
        default:
            return nil
        }
    }
}
