import AirlockBase
import GRDB

/// Where an ingested file (`WorkspaceFile`) stands.
enum FileState: String, Codable, DatabaseValueConvertible, CaseIterable {
    /// Read, waiting for the next bundle.
    case pending
    /// Its records went into a bundle (`WorkspaceFile.bundleSequence`).
    case bundled
    /// Read, but the snapshot equalled the baseline: no bundle.
    case unchanged
    /// Not read (unreadable, no entity takes it) or set aside by a blocked run; the same
    /// content dropped again is read again.
    case rejected
    /// Its bundle was discarded after a reviewer rejected it.
    case discarded

    /// The state as an SQL literal, for statements that compare it in place.
    var sqlLiteral: String { SQLDialect.sqlite.literal(rawValue) }
}
