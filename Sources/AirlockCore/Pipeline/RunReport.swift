import Foundation

/// What one producer run did, for the CLI to print and tests to check.
public struct RunReport {
    public struct IngestedFile: Equatable {
        /// The inbox file's name; `drop.zip!member.csv` for a member of an archive.
        public var name: String
        public var entity: String
        public var records: Int
        /// Records that could not be read, held in the quarantine; the rest of the file proceeded.
        public var unparsed = 0
        /// The first few of them (all are in the workspace's `airlock_unparsed`).
        public var firstUnparsed: [RecordFailure] = []
    }

    public enum Outcome: Equatable {
        case noNewFiles
        /// New files, but the snapshot equals the baseline.
        case noChanges
        case bundle(file: URL, manifest: Manifest, digest: String)
    }

    public var ingested: [IngestedFile] = []
    /// Files whose content was ingested before (by any name).
    public var alreadySeen: [String] = []
    public var rejected: [IngestError] = []
    /// Inbox files some process still has open for writing; the next run takes them.
    public var stillBeingWritten: [String] = []
    /// Records held back for a value that does not fit its column.
    public var quarantined: [ValidationFinding] = []
    public var outcome: Outcome = .noNewFiles
}
