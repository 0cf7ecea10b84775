import AirlockBase
import Foundation

/// A database a bundle is applied to: `sqlite:PATH`, or PostgreSQL as `postgres:CONNINFO` (a
/// libpq keyword list) or a `postgres://` / `postgresql://` URI, used through `psql`, which an
/// air-gapped site has.
package enum Target: Equatable, Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(conninfo: String)

    package init(_ text: String) throws {
        if PostgresConninfo.isURI(text) {
            self = .postgres(conninfo: text)
        } else if text.hasPrefix("postgres:") {
            self = .postgres(conninfo: String(text.dropFirst("postgres:".count)))
        } else if text.hasPrefix("postgresql:") {
            self = .postgres(conninfo: String(text.dropFirst("postgresql:".count)))
        } else if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            // Either would be a database that vanishes when Airlock exits: "applied" into nothing.
            guard !path.isEmpty, path != ":memory:" else {
                throw TargetError.badTarget(
                    "'\(text)' names no database file: an empty path or :memory: is a database that vanishes when airlock exits; use sqlite:PATH with the target's file"
                )
            }
            self = .sqlite(path: path)
        } else {
            throw TargetError.badTarget(
                "'\(PostgresConninfo(text).redacted)' is not a target; use sqlite:PATH, postgres:CONNINFO or a postgres:// URI (for example postgres:'host=/run/postgresql dbname=shop')"
            )
        }
    }

    package var dialect: SQLDialect {
        switch self {
        case .sqlite: return .sqlite
        case .postgres: return .postgres
        }
    }

    /// The target as messages and output name it: a PostgreSQL password is shown as `***`.
    package var description: String {
        switch self {
        case let .sqlite(path): return "sqlite:" + path
        case let .postgres(conninfo):
            let redacted = PostgresConninfo(conninfo).redacted
            return PostgresConninfo.isURI(redacted) ? redacted : "postgres:" + redacted
        }
    }

    var psql: Psql? {
        guard case let .postgres(conninfo) = self else { return nil }
        return Psql(conninfo: PostgresConninfo(conninfo), target: description)
    }
}
