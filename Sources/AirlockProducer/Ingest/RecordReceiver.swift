/// What a reader hands a file's records to, in the file's order: a `RecordSink`, which inserts
/// them at once, or `RecordHandoff`'s reading side, which passes them to a sink on another thread.
protocol RecordReceiver {
    /// Adds a record, its JSON object text in UTF-8.
    func add(json: [UInt8], line: Int?) throws
    /// Says that the file's records are rows of `header`'s fields, given to `add(fields:ends:line:)`;
    /// before the first of them.
    func keepFields(of header: [String]) throws
    /// Adds a record of the header's fields, their UTF-8 texts end to end in `bytes`, each ending
    /// where `ends` says (indices of `bytes`).
    func add(fields bytes: ArraySlice<UInt8>, ends: ArraySlice<Int>, line: Int?) throws
    /// Notes a record that could not be read, with its place and reason.
    func fail(_ failure: RecordFailure) throws
}
