import AirlockBase
import AirlockSpec
import Foundation
import GRDB

/// The field-level changes of one entity, as a bundle's `changes/ENTITY.ndjson`: a first line
/// that names the bundle, then one JSON line per changed key, in key order, built by SQLite
/// from the snapshot and baseline. It is the member every script loads its rows from
/// (`ChangedRows`), so each changed row crosses the gap once.
///
/// `{"bundle":"4f1c…"}` is the digest of the bundle's manifest.json: a script run from another
/// bundle's folder finds another digest there and stops. Then
/// `{"op":"insert","key":{…},"after":{…}}` carries every value column of a new row,
/// `{"op":"delete","key":{…},"before":{…}}` every value column of a removed one, and
/// `{"op":"update","key":{…},"before":{…},"after":{…},"unchanged":{…}}` the fields that
/// changed, then the row's other value columns, which the drift guard compares and the
/// scripts write back; with the spec's `context:` columns, `"context":{…}` comes before
/// `unchanged`: those fields as the row holds them. Values are typed as the spec says:
/// integers and booleans as JSON numbers and booleans, decimals as strings (exact), NULL as
/// null.
struct ChangeLog {
    let entity: EntitySpec
    private let dialect = SQLDialect.sqlite

    init(_ entity: EntitySpec) { self.entity = entity }

    /// Writes the bundle line and every change line to `url`, for the bundle of digest
    /// `bundle`, streaming rows out of the workspace; `copy` is given every byte written.
    func write(
        to url: URL, bundle: String, from db: Database, copyingTo copy: ((UnsafeRawBufferPointer) -> Void)? = nil
    ) throws {
        let out = try ScriptWriter(path: url, copyingTo: copy)
        // A digest is hex: no JSON escapes.
        try out.line("{\"\(Self.bundleField)\":\"\(bundle)\"}")
        let statement = try db.makeStatement(sql: lines)
        let raw = statement.sqliteStatement
        let rows = try Row.fetchCursor(statement)
        // Each line's bytes are copied from the statement as they are, not through a String
        // (1,000,000 inserted rows: 1.8 s with a String per line).
        while try rows.next() != nil {
            // `lines` builds every line with json_object, which never gives NULL.
            guard let line = ColumnText.bytes(raw, 0) else { preconditionFailure("a change line is NULL") }
            try out.line(line)
        }
        try out.close()
    }

    /// The first line's one field: the bundle's digest.
    static let bundleField = "bundle"

    /// The field of an update's line that holds the columns it leaves alone.
    static let unchangedField = "unchanged"

    /// Hands `body` each change line of the change file `file` (`name` in errors) with its
    /// line number, past the line that names the bundle (older bundles' change files have
    /// none); `body` returns false to stop.
    static func forEachChange(
        in file: URL, name: String, _ body: (_ line: [UInt8], _ number: Int) throws -> Bool
    ) throws {
        let bundleLine = Array("{\"\(bundleField)\":".utf8)
        try ByteSource.file(file, name: name).forEachLine { line, number in
            line.starts(with: bundleLine) ? true : try body(line, number)
        }
    }

    /// `line` without an update's `unchanged` columns: what a reviewer reads of a change. They
    /// are the line's last field, and the one whose value is an object after that name: a
    /// column may be called `unchanged`, but a column's value is never an object.
    static func reviewedPart(of line: [UInt8]) -> [UInt8] {
        let marker = Array(",\"\(unchangedField)\":{".utf8)
        guard operation(of: line) == .update,
            let start = line.indices.reversed().first(where: { line[$0...].starts(with: marker) })
        else { return line }
        return Array(line[..<start]) + [UInt8(ascii: "}")]
    }

    /// What a change line does, from its first field (`{"op":"insert",…`); every line
    /// `lines` writes starts with it. Nil for a line that does not.
    static func operation(of line: [UInt8]) -> Change.Operation? {
        let head = Array("{\"op\":\"".utf8)
        guard line.starts(with: head), let end = line[head.count...].firstIndex(of: UInt8(ascii: "\"")) else {
            return nil
        }
        return Change.Operation(rawValue: String(decoding: line[head.count..<end], as: UTF8.self))
    }

    private func value(_ column: ColumnSpec, of alias: String) -> String {
        let reference = "\(alias).\(dialect.identifier(column.name))"
        return column.type == .boolean
            ? "json(CASE WHEN \(reference) THEN 'true' WHEN NOT \(reference) THEN 'false' END)" : reference
    }

    /// A JSON object of `columns` of the row `alias`, typed as the change file types them.
    func object(_ columns: [ColumnSpec], of alias: String) -> String {
        guard !columns.isEmpty else { return "json_object()" }
        return "json_object("
            + columns.map { "\(dialect.literal($0.name)), \(value($0, of: alias))" }.joined(separator: ", ") + ")"
    }

    /// `object` of the value columns with only those that changed (`changed`) or only those
    /// that did not: json_remove takes a path per value column, pointing nowhere for one kept.
    private func fields(of alias: String, changed: Bool) -> String {
        let values = entity.valueColumns
        guard !values.isEmpty else { return "json_object()" }
        let paths = values.map { column in
            let name = dialect.identifier(column.name)
            let (kept, removed) = ("'$.\"airlock:none\"'", dialect.literal("$.\"\(column.name)\""))
            let (ifChanged, ifNot) = changed ? (kept, removed) : (removed, kept)
            return "CASE WHEN s.\(name) IS NOT b.\(name) THEN \(ifChanged) ELSE \(ifNot) END"
        }
        return "json_remove(\(object(values, of: alias)), \(paths.joined(separator: ", ")))"
    }

    /// `, 'context', {…}`: the spec's context columns of the updated row as it stands now;
    /// nothing for an entity without them, so its lines stay as they were.
    private var context: String {
        let columns = entity.context.compactMap { name in entity.valueColumns.first { $0.name == name } }
        return columns.isEmpty ? "" : ", 'context', \(object(columns, of: "s"))"
    }

    /// One line per key of `EntityTables.changed`, in key order: the changed keys are
    /// walked in their table's order and each row looked up, so the cost is the change's.
    private var lines: String {
        let diff = EntityDiff(entity), tables = EntityTables(entity)
        let keyColumns = entity.keyColumns
        let insert =
            "json_object('op', 'insert', 'key', \(object(keyColumns, of: "s")), 'after', \(object(entity.valueColumns, of: "s")))"
        let update =
            "json_object('op', 'update', 'key', \(object(keyColumns, of: "s")), 'before', \(fields(of: "b", changed: true)), 'after', \(fields(of: "s", changed: true))\(context), '\(Self.unchangedField)', \(fields(of: "s", changed: false)))"
        let delete =
            "json_object('op', 'delete', 'key', \(object(keyColumns, of: "b")), 'before', \(object(entity.valueColumns, of: "b")))"
        return """
            SELECT CASE c.airlock_op WHEN 'insert' THEN \(insert) WHEN 'update' THEN \(update) ELSE \(delete) END
            FROM \(tables.changed) AS c LEFT JOIN \(tables.snapshot) AS s ON \(diff.changedKey("s"))
            LEFT JOIN \(tables.baseline) AS b ON \(diff.changedKey("b"))
            ORDER BY \(tables.sql.key(of: "c"))
            """
    }
}
