/// One file a run read, or one member of an archive drop.
package struct IngestedFile: Equatable {
    /// The inbox file's name; `drop.zip!member.csv` for a member of an archive.
    package var name: String
    package var entity: String
    package var records: Int
    /// Records that could not be read, held in the quarantine; the rest of the file proceeded.
    package var unparsed = 0
    /// The first few of them (all are in the workspace's `UnparsedRecords`).
    package var firstUnparsed: [RecordFailure] = []
}
