import AirlockBase
import AirlockSite
import Foundation
import GRDB

/// What differs between the changes of two bundles (`airlock diff A B`): a regenerated bundle
/// against the one under review, or two days' bundles. Both change files are loaded into an
/// in-memory SQLite database and matched on (entity, key) there; only the pairs that differ
/// come back to be compared field by field.
package struct BundleComparison: Encodable, Equatable, Sendable {
    package var a: Side
    package var b: Side
    /// True when both bundles make exactly the same changes.
    package var identical: Bool
    /// Entities with a difference, in bundle A's order, then B's.
    package var entities: [EntityDifference]

    package struct Side: Encodable, Equatable, Sendable {
        package var file: String
        package var id: String
        package var sequence: Int
        package var digest: String
    }

    package struct EntityDifference: Encodable, Equatable, Sendable {
        package var name: String
        /// Changes one bundle makes to keys the other leaves alone.
        package var onlyInA: [Change]
        package var onlyInB: [Change]
        /// Keys both change, differently.
        package var different: [KeyDifference]

        enum CodingKeys: String, CodingKey {
            case name, onlyInA = "only_in_a", onlyInB = "only_in_b", different
        }
    }

    package struct KeyDifference: Encodable, Equatable, Sendable {
        package var key: [String: FieldValue]
        package var opA: Change.Operation
        package var opB: Change.Operation
        /// The fields whose before or after value differs, or that one bundle touches and the other does not.
        package var fields: [FieldDifference]

        enum CodingKeys: String, CodingKey { case key, opA = "op_a", opB = "op_b", fields }
    }

    package struct FieldDifference: Encodable, Equatable, Sendable {
        package var field: String
        /// What each bundle does to the field; nil where it does not touch it.
        package var a: FieldChange?
        package var b: FieldChange?
    }

    package struct FieldChange: Encodable, Equatable, Sendable {
        package var before: FieldValue?
        package var after: FieldValue?
    }

    /// Verifies both bundles (integrity and producer signature) and compares their change files
    /// as a reviewer reads them: an update's `unchanged` columns are not a difference.
    package static func compare(_ first: URL, _ second: URL, verifier: BundleVerifier) throws -> BundleComparison {
        let database = try DatabaseQueue()
        try database.write { db in
            try db.execute(
                sql:
                    "CREATE TABLE changes (side TEXT NOT NULL, entity TEXT NOT NULL, key TEXT NOT NULL, line TEXT NOT NULL)"
            )
        }
        var sides: [(Side, [String])] = []
        for (label, url) in [("a", first), ("b", second)] {
            sides.append(
                try verifier.withUnpacked(url) { verified, folder in
                    let entities = verified.manifest.entities.map(\.name)
                    try database.write { db in
                        let insert = try db.makeStatement(
                            sql: "INSERT INTO changes VALUES (?, ?, json_extract(?3, '$.key'), ?3)")
                        for entity in entities {
                            let file = folder.appendingPathComponent(BundleLayout.changes(of: entity))
                            guard FileManager.default.fileExists(atPath: file.path) else { continue }
                            try ChangeLog.forEachChange(in: file, name: BundleLayout.changes(of: entity)) { line, _ in
                                let change = ChangeLog.reviewedPart(of: line)
                                try insert.execute(arguments: [label, entity, String(decoding: change, as: UTF8.self)])
                                return true
                            }
                        }
                    }
                    let side = Side(
                        file: url.lastPathComponent, id: verified.manifest.id, sequence: verified.manifest.sequence,
                        digest: verified.digest)
                    return (side, entities)
                })
        }
        let order = sides[0].1 + sides[1].1.filter { !sides[0].1.contains($0) }
        let entities = try database.write { db -> [EntityDifference] in
            try db.execute(sql: "CREATE INDEX changes_by_key ON changes (entity, key, side)")
            return try order.compactMap { entity in
                let difference = try Self.difference(of: entity, in: db)
                return difference.onlyInA.isEmpty && difference.onlyInB.isEmpty && difference.different.isEmpty
                    ? nil : difference
            }
        }
        return BundleComparison(a: sides[0].0, b: sides[1].0, identical: entities.isEmpty, entities: entities)
    }

    private static func difference(of entity: String, in db: Database) throws -> EntityDifference {
        let decoder = JSONDecoder()
        func changes(_ sql: String) throws -> [Change] {
            try String.fetchAll(db, sql: sql, arguments: [entity]).map {
                try decoder.decode(Change.self, from: Data($0.utf8))
            }
        }
        func onlyIn(_ side: String, notIn other: String) -> String {
            """
            SELECT x.line FROM changes AS x WHERE x.side = '\(side)' AND x.entity = ?1 AND NOT EXISTS
              (SELECT 1 FROM changes AS y WHERE y.side = '\(other)' AND y.entity = x.entity AND y.key = x.key) ORDER BY x.rowid
            """
        }
        let pairs = try Row.fetchAll(
            db,
            sql: """
                SELECT a.line, b.line FROM changes AS a JOIN changes AS b ON b.side = 'b' AND b.entity = a.entity AND b.key = a.key
                WHERE a.side = 'a' AND a.entity = ?1 AND a.line IS NOT b.line ORDER BY a.rowid
                """, arguments: [entity])
        let different = try pairs.map { row -> KeyDifference in
            let a = try decoder.decode(Change.self, from: Data((row[0] as String).utf8))
            let b = try decoder.decode(Change.self, from: Data((row[1] as String).utf8))
            let fields = Set(a.fields).union(b.fields).sorted().compactMap { field -> FieldDifference? in
                func side(_ change: Change) -> FieldChange? {
                    let before = change.before?[field], after = change.after?[field]
                    return before == nil && after == nil ? nil : FieldChange(before: before, after: after)
                }
                return side(a) == side(b) ? nil : FieldDifference(field: field, a: side(a), b: side(b))
            }
            return KeyDifference(key: a.key, opA: a.op, opB: b.op, fields: fields)
        }
        return EntityDifference(
            name: entity, onlyInA: try changes(onlyIn("a", notIn: "b")),
            onlyInB: try changes(onlyIn("b", notIn: "a")), different: different)
    }
}
