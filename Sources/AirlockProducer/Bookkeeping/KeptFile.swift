import GRDB

/// One row of `airlock_kept_files`: an inbox name that stays in place once read
/// (`inbox: {processed: keep}`), with the content it had when it was last dealt with. A file
/// lying there with that content is the same delivery and is not read again; written over with
/// other content (an older state included) it is a new delivery.
enum KeptFile {
    static let table = "airlock_kept_files"

    /// The content last dealt with under `name`, if the name was kept.
    static func sha256(of name: String, in db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT sha256 FROM \(table) WHERE name = ?", arguments: [name])
    }

    static func record(name: String, sha256: String, in db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO \(table) (name, sha256) VALUES (?, ?)", arguments: [name, sha256])
    }

    static func names(in db: Database) throws -> Set<String> {
        try String.fetchSet(db, sql: "SELECT name FROM \(table)")
    }
}
