/// What a reader hands a file's records to, in the file's order: a `RecordSink`, which inserts
/// them at once, or `RecordHandoff`'s reading side, which passes them to a sink on another thread.
protocol RecordReceiver {
    /// Adds a record, its JSON object text in UTF-8.
    func add(json: [UInt8], line: Int?) throws
    /// Notes a record that could not be read, with its place and reason.
    func fail(_ failure: RecordFailure) throws
}
