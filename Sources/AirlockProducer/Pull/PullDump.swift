import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation

/// The file one pull leaves in the inbox:
/// `{"pages": [PAGE, PAGE, …], "airlock_pull": {source, url, pulled_at, pages, records, cursor}}`.
///
/// Each page is written byte for byte as the API sent it, so ingestion keeps the raw records.
/// The dump grows under `.airlock/pulling/` and is linked into the inbox only when the last
/// page is in, so a failed or killed pull never leaves a partial file there.
struct PullDump {
    static let pagesKey = "pages"
    static let provenanceKey = "airlock_pull"
    /// How every dump opens; ingest knows a dump by it, since the provenance comes last.
    static let opening = Array("{\"\(pagesKey)\":[\n".utf8)

    /// What the dump says about where and when it was fetched; no header or credential.
    struct Provenance: Encodable {
        var source: String
        var method: String
        /// The URL and parameters as the spec writes them, `${NAME}` references unexpanded.
        var url: String
        var params: [String: String]
        var pagination: String
        var pulledAt: String
        var finishedAt: String
        var pages: Int
        var records: Int
        /// An incremental pull's parameter and `since`, absent for other sources; ingestion keeps
        /// it with the file, and the bundle that carries the file adds the mark it commits.
        var cursor: Manifest.Cursor?

        enum CodingKeys: String, CodingKey {
            case source, method, url, params, pagination, pages, records, cursor
            case pulledAt = "pulled_at", finishedAt = "finished_at"
        }
    }

    let temporary: URL
    private let handle: FileHandle
    private(set) var pages = 0

    /// A partial file this old is the leftover of a killed pull, not one still running.
    static let abandonedAfter: TimeInterval = 86_400

    init(directory: URL, entity: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        Self.removeAbandoned(in: directory)
        temporary = directory.appendingPathComponent("\(entity)-\(UUID().uuidString).partial")
        guard let handle = FileHandle.writing(toPath: temporary.path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        self.handle = handle
        try handle.write(contentsOf: Data(Self.opening))
    }

    mutating func append(page: Data) throws {
        if pages > 0 { try handle.write(contentsOf: Data(",\n".utf8)) }
        try handle.write(contentsOf: page)
        pages += 1
    }

    /// Closes the dump and links it into `inbox` under a name no other file has; returns it.
    func publish(_ provenance: Provenance, into inbox: URL, entity: String, stamp: String) throws -> URL {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try handle.write(
            contentsOf: Data("\n],\"\(Self.provenanceKey)\":".utf8) + encoder.encode(provenance) + Data("}\n".utf8))
        try handle.synchronize()
        try handle.close()
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        for suffix in 1...1_000 {
            let target = inbox.appendingPathComponent(
                PullSpec.dumpFileName(entity: entity, stamp: stamp, suffix: suffix))
            // link(2) never replaces an existing file, unlike rename(2).
            if link(temporary.path, target.path) == 0 {
                unlink(temporary.path)
                return target
            }
            guard errno == EEXIST else {
                throw CocoaError(
                    .fileWriteUnknown,
                    userInfo: [
                        NSFilePathErrorKey: target.path,
                        NSLocalizedDescriptionKey: String(cString: strerror(errno))
                    ])
            }
        }
        throw CocoaError(.fileWriteFileExists, userInfo: [NSFilePathErrorKey: inbox.path])
    }

    private static func removeAbandoned(in directory: URL) {
        let files =
            (try? FileManager.default.contentsOfDirectory(
                at: directory, includingPropertiesForKeys: [.contentModificationDateKey])) ?? []
        for file in files where file.pathExtension == "partial" {
            let modified =
                (try? file.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate ?? Date()
            if Date().timeIntervalSince(modified) > abandonedAfter { unlink(file.path) }
        }
    }

    func discard() {
        try? handle.close()
        unlink(temporary.path)
    }
}
