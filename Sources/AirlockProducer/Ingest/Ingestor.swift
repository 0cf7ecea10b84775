import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import GRDB

/// Reads one inbox file into `RawRecords`: one row per record, the original record as a JSON
/// object, with its provenance (file, record number, line). Records that cannot be read
/// go to `UnparsedRecords` and the rest of the file proceeds, unless its source is
/// `all_or_nothing`.
///
/// A file is one transaction together with its `WorkspaceFile` row, so after a
/// crash it is either wholly ingested or not at all; an archive and all its members are one
/// transaction too, each member in a savepoint so that a bad member does not undo the others.
struct Ingestor {
    let database: DatabaseQueue
    let spec: Spec
    /// Told the bytes read of each plain file, for a progress bar.
    var progress: ProgressHandler?

    /// What became of one file, or of one member of an archive.
    enum Outcome: Equatable {
        case ingested(IngestedFile)
        case alreadySeen(name: String, seenAs: String)
        case rejected(IngestError)

        var isRejected: Bool {
            if case .rejected = self { return true }
            return false
        }
    }

    func ingest(_ url: URL) throws -> [Outcome] {
        try ingest(try InboxFile(url: url))
    }

    /// Ingests a file opened and hashed before; its content is read through the same descriptor.
    /// Where the inbox keeps read files, one lying there as it was read is not read again.
    func ingest(_ file: InboxFile) throws -> [Outcome] {
        let keeps = spec.inbox.keepProcessed
        if keeps, try database.read({ db in try KeptFile.sha256(of: file.name, in: db) }) == file.sha256 {
            return [.alreadySeen(name: file.name, seenAs: file.name)]
        }
        let outcomes = try read(file)
        if keeps && !outcomes.allSatisfy(\.isRejected) {
            try database.write { db in try KeptFile.record(name: file.name, sha256: file.sha256, in: db) }
        }
        return outcomes
    }

    private func read(_ file: InboxFile) throws -> [Outcome] {
        if let archive = DropArchive(file: file, maxMemberSize: spec.inbox.maxMemberSize) {
            return try ingest(archive, file)
        }
        return [
            try database.write { db in
                try ingestFile(
                    named: file.name, patternName: file.name, sha256: file.sha256, size: file.size,
                    opened: file.opened, in: db
                ) {
                    let source = file.content()
                    guard let progress else { return source }
                    return source.counting {
                        progress(ProgressUpdate(task: "reading \(file.name)", done: $0, total: file.size, unit: .bytes))
                    }
                }
            }
        ]
    }

    // MARK: - Files

    /// `patternName` is what the spec's file patterns match: the file's name, or an archive
    /// member's base name (`products.csv` for `drop.zip!export/products.csv`). `opened` is the
    /// inbox file, for a file that is not an archive member.
    private func ingestFile(
        named name: String, patternName: String, sha256: String, size: Int64, opened: OpenedFile? = nil,
        in db: Database,
        content: () throws -> ByteSource
    ) throws -> Outcome {
        if let seen = try WorkspaceFile.currentName(sha256: sha256, in: db) {
            return .alreadySeen(name: name, seenAs: seen)
        }
        guard let entity = spec.entity(forFile: patternName) else {
            return try reject(
                name: name, sha256: sha256, size: size, entity: nil, .noMatchingEntity(file: name), in: db)
        }
        do {
            var ingested: IngestedFile?
            try db.inSavepoint {
                // Content read before and set aside (a blocked run) is read afresh.
                try QuarantineRecords.delete(file: sha256, in: db)
                try UnparsedRecords.delete(file: sha256, in: db)
                try RawRecords.delete(file: sha256, in: db)
                try SheetRecords.delete(file: sha256, in: db)
                try WorkspaceFile.record(
                    name: name, sha256: sha256, size: size, entity: entity.name, state: .pending, error: nil, in: db)
                let sink = try RecordSink(file: sha256, in: db)
                let lastID = try RawRecords.lastID(in: db)
                try Self.read(
                    try content(), opened: opened, named: name, sha256: sha256, as: entity,
                    limits: DropArchive.limits(maxMemberSize: spec.inbox.maxMemberSize), into: sink, in: db)
                try RawRecords.noteRange(file: sha256, after: lastID, header: sink.header, in: db)
                try checkOutcome(of: sink, named: name, entity: entity)
                try WorkspaceFile.setRecords(sink.records, sha256: sha256, in: db)
                ingested = IngestedFile(
                    name: name, entity: entity.name, records: sink.records,
                    unparsed: sink.failures, firstUnparsed: sink.firstFailures)
                return .commit
            }
            return .ingested(ingested!)
        } catch let error as IngestError {
            return try reject(name: name, sha256: sha256, size: size, entity: entity.name, error, in: db)
        }
    }

    private func checkOutcome(of sink: RecordSink, named name: String, entity: EntitySpec) throws {
        if let first = sink.firstFailures.first {
            if sink.records == 0 {
                throw IngestError.record(
                    file: name, failure: first,
                    consequence: "no record of the file could be read (\(sink.failures) failed)")
            }
            if entity.source.allOrNothing {
                throw IngestError.record(
                    file: name, failure: first,
                    consequence: "the source is all_or_nothing, so the whole file is rejected")
            }
        }
        guard sink.records > 0 else { throw IngestError.unreadable(file: name, reason: "the file holds no records") }
    }

    /// Remembers a rejected file with its reason; the same content dropped again is read again,
    /// since the spec may have been fixed in between.
    private func reject(
        name: String, sha256: String, size: Int64, entity: String?, _ error: IngestError,
        in db: Database
    ) throws -> Outcome {
        try WorkspaceFile.record(
            name: name, sha256: sha256, size: size, entity: entity, state: .rejected, error: error.description, in: db)
        return .rejected(error)
    }

    /// Reads `content` as `entity`'s format into `sink`; what every inbox file goes through.
    /// A workbook is a zip, read from its end: through `opened`, the inbox file it is, or else
    /// from a copy of `content` (an archive's member), within `limits` like any archive.
    static func read(
        _ content: ByteSource, opened: OpenedFile? = nil, named name: String, sha256: String,
        as entity: EntitySpec, limits: ArchiveReader.Limits, into sink: RecordSink, in db: Database
    ) throws {
        func text() throws -> ByteSource {
            try TextEncoding.utf8(from: content, declared: entity.source.encoding, file: name)
        }
        switch entity.source.format {
        case .csv:
            let text = try text()
            try RecordHandoff.read(into: sink) { try CSVIngest(file: name, entity: entity).read(text, into: $0) }
        case .ndjson: try NDJSONIngest(file: name).read(try text(), into: sink, in: db)
        case .json: try JSONIngest(file: name, sha256: sha256, entity: entity).read(try text(), into: sink, in: db)
        case .xlsx:
            let ingest = XLSXIngest(file: name, sha256: sha256, entity: entity, into: sink, in: db)
            if let opened {
                try ingest.read(opened, limits: limits)
            } else {
                try TemporaryCopy.with(content, named: name) { try ingest.read($0, limits: limits) }
            }
        }
    }

    // MARK: - Archives

    private func ingest(_ archive: DropArchive, _ file: InboxFile) throws -> [Outcome] {
        let seen = try database.read { db in try ArchiveRecord.nameIngested(sha256: file.sha256, in: db) }
        let members: [DropArchive.Member]
        do {
            members = try archive.members()
        } catch let error as IngestError {
            try recordArchive(file, state: .rejected, error: error.description)
            return [.rejected(error)]
        }
        // The same archive again is recognized whole while every member is current; otherwise
        // each member is judged on its own (an older state returns, a rejected one is read again).
        if let seen,
            try database.read({ db in
                try members.allSatisfy { try WorkspaceFile.currentName(sha256: $0.sha256, in: db) != nil }
            })
        {
            return [.alreadySeen(name: file.name, seenAs: seen)]
        }
        return try database.write { db in
            try recordArchive(file, state: .ingested, error: nil, in: db)
            var outcomes: [Outcome] = []
            var index = 0
            try archive.forEachMember { path, content in
                let member = members[index]
                index += 1
                let baseName = String(path.split(separator: "/").last ?? Substring(path))
                outcomes.append(
                    try ingestFile(
                        named: "\(file.name)!\(path)", patternName: baseName, sha256: member.sha256,
                        size: member.size, in: db
                    ) { content })
            }
            return outcomes
        }
    }

    private func recordArchive(_ file: InboxFile, state: ArchiveRecord.State, error: String?) throws {
        try database.write { db in try recordArchive(file, state: state, error: error, in: db) }
    }

    private func recordArchive(_ file: InboxFile, state: ArchiveRecord.State, error: String?, in db: Database) throws {
        try ArchiveRecord.record(
            sha256: file.sha256, name: file.name, size: file.size, state: state, error: error, in: db)
    }
}
