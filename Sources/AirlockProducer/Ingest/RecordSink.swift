import GRDB
import GRDBSQLite

/// Where one file's records go: readable records into `RawRecords` as JSON objects or rows of
/// fields, records that cannot be read into `UnparsedRecords` with their place and reason.
/// Both share one record numbering, so numbers follow the file's order.
final class RecordSink: RecordReceiver {
    private let db: Database
    private let file: String
    private let insertRecord: Statement
    private let insertObject: Statement
    private let insertFailure: Statement
    private var insertFields: Statement?
    /// The file's header, for a file that has one (a CSV file, a sheet), which its range keeps.
    private(set) var header: [String]?
    private(set) var records = 0
    private(set) var failures = 0
    /// The first few failures, for the run report; all of them are in `UnparsedRecords`.
    private(set) var firstFailures: [RecordFailure] = []
    /// The number of the last record, read or not.
    private(set) var recordNumber = 0

    static let reportedFailures = 10

    init(file sha256: String, in db: Database) throws {
        self.db = db
        file = sha256
        // Cached: an archive's members, and `ReaderProbe`'s inputs, each make a sink in turn.
        insertRecord = try db.cachedStatement(sql: RawRecords.insert)
        insertObject = try db.cachedStatement(sql: RawRecords.insertObject)
        insertFailure = try db.cachedStatement(sql: UnparsedRecords.insert)
    }

    private func nextRecordNumber() -> Int {
        recordNumber += 1
        return recordNumber
    }

    func add(json: [UInt8], line: Int?) throws {
        try add(json: json[...], line: line)
    }

    /// Adds a record, its JSON object text in UTF-8.
    func add(json: ArraySlice<UInt8>, line: Int?) throws {
        records += 1
        try insert(insertRecord, json: json, number: nextRecordNumber(), line: line)
    }

    /// Adds `json` when it is a JSON object, checked in the same statement; false when it is not
    /// (nothing is added and the record number is not used).
    func addIfObject(json: [UInt8], line: Int?) throws -> Bool {
        try insert(insertObject, json: json[...], number: recordNumber + 1, line: line)
        guard db.changesCount > 0 else { return false }
        records += 1
        recordNumber += 1
        return true
    }

    func header(_ names: [String], fields: Bool) throws {
        header = names
        guard fields else { return }
        try RawRecords.addFieldColumns(count: names.count, in: db)
        insertFields = try db.cachedStatement(sql: RawRecords.insertFields(count: names.count))
    }

    func add(fields bytes: ArraySlice<UInt8>, ends: ArraySlice<Int>, line: Int?) throws {
        // Every field of the header, each bound anew: a parameter left unbound would read the
        // previous record's field, bound in place in a batch since freed.
        guard let insertFields, ends.count == header?.count else {
            preconditionFailure("a record of fields comes after header(_:fields: true), one field per name")
        }
        records += 1
        let raw = insertFields.sqliteStatement
        sqlite3_reset(raw)
        bind(number: nextRecordNumber(), line: line, to: raw)
        // The fields are bound in place (SQLITE_STATIC, a nil destructor), not copied: the
        // bytes stay put until the insert is done. The bindings dangle after it, so the
        // statement is never stepped without binding every field again.
        try bytes.withUnsafeBufferPointer { text in
            var start = 0
            for (index, end) in ends.enumerated() {
                let length = end - bytes.startIndex - start
                let parameter = RawRecords.firstField + Int32(index)
                // An empty field is empty text, as its JSON string was, not NULL.
                if length == 0 {
                    try check(sqlite3_bind_text(raw, parameter, "", 0, sqliteTransient))
                    continue
                }
                let field = UnsafeRawPointer(text.baseAddress!).advanced(by: start).assumingMemoryBound(to: CChar.self)
                try check(sqlite3_bind_text(raw, parameter, field, Int32(length), nil))
                start += length
            }
            try step(insertFields)
        }
    }

    /// Binds the record's values straight to the statement: one insert per record, and
    /// arguments built as Swift values cost more than the insert itself.
    private func insert(_ statement: Statement, json: ArraySlice<UInt8>, number: Int, line: Int?) throws {
        let raw = statement.sqliteStatement
        // A statement that ran must be reset before it takes new values.
        sqlite3_reset(raw)
        bind(number: number, line: line, to: raw)
        try check(
            json.withUnsafeBufferPointer { text in
                sqlite3_bind_text(
                    raw, RawRecords.firstField, UnsafeRawPointer(text.baseAddress!).assumingMemoryBound(to: CChar.self),
                    Int32(text.count),
                    sqliteTransient)
            })
        try step(statement)
    }

    /// Binds a record's number and line, parameters 1 and 2 of each insert.
    private func bind(number: Int, line: Int?, to raw: OpaquePointer) {
        sqlite3_bind_int64(raw, 1, Int64(number))
        if let line { sqlite3_bind_int64(raw, 2, Int64(line)) } else { sqlite3_bind_null(raw, 2) }
    }

    private func check(_ bound: Int32) throws {
        guard bound == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: bound), message: "cannot bind a record")
        }
    }

    /// Stepped directly: GRDB's `execute()` adds 0.2 s per 1,000,000 records of bookkeeping
    /// (observers, statement tracking) that an insert into the workspace's own table needs not.
    private func step(_ statement: Statement) throws {
        let raw = statement.sqliteStatement
        let stepped = sqlite3_step(raw)
        guard stepped == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: stepped),
                message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                sql: statement.sql)
        }
    }

    func fail(_ failure: RecordFailure) throws {
        var failure = failure
        failure.record = failure.record ?? nextRecordNumber()
        failures += 1
        if firstFailures.count < Self.reportedFailures { firstFailures.append(failure) }
        try insertFailure.execute(arguments: [
            file, failure.line, failure.record, failure.field, failure.reason, failure.text
        ])
    }
}
