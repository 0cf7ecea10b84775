/// What a reader hands a file's records to, in the file's order: a `RecordSink`, which inserts
/// them at once, or `RecordHandoff`'s reading side, which passes them to a sink on another thread.
protocol RecordReceiver {
    /// Adds a record, its JSON object text in UTF-8.
    func add(json: [UInt8], line: Int?) throws
    /// Gives the file's header, before the first record; with `fields`, its records come as rows
    /// of the header's fields (`add(fields:ends:line:)`), else as JSON objects.
    func header(_ names: [String], fields: Bool) throws
    /// Adds a record of the header's fields, their UTF-8 texts end to end in `bytes`, each ending
    /// where `ends` says (indices of `bytes`).
    func add(fields bytes: ArraySlice<UInt8>, ends: ArraySlice<Int>, line: Int?) throws
    /// Notes a record that could not be read, with its place and reason.
    func fail(_ failure: RecordFailure) throws
}
