import AirlockBase
import AirlockSpec

/// Reads a CSV file's records into a sink as rows of the header's fields, or for a file too
/// wide for those, as JSON objects keyed by the header's names.
struct CSVIngest {
    let file: String
    let entity: EntitySpec

    func read(_ text: ByteSource, into sink: some RecordReceiver) throws {
        let delimiter = try entity.source.delimiter ?? CSVDelimiter.sniff(text.peek())
        var reader = CSVReader(source: text, delimiter: delimiter)
        guard let first = try reader.next() else {
            throw IngestError.unreadable(file: file, reason: "the file is empty")
        }
        let header: [String]
        switch first {
        case let .record(record): header = record.fields
        case let .failure(failure): throw IngestError.header(file: file, place: "line 1", reason: failure.reason)
        }
        try checkHeader(header)
        // Fields in columns of their own (`RawRecords`), but for a file too wide for them.
        let keepsFields = RawRecords.keepsFields(header)
        try sink.header(header, fields: keepsFields)
        let keys = JSONPath.objectKeys(header)
        var json: [UInt8] = []
        while let item = try reader.next() {
            switch item {
            case let .failure(failure):
                try sink.fail(named(failure, header: header))
            case let .record(record):
                if record.count == 1 && record.bytes.isEmpty { continue }
                guard record.count == header.count else {
                    try sink.fail(
                        RecordFailure(
                            line: record.line, reason: "\(record.count) fields where the header has \(header.count)",
                            text: record.excerpt(delimiter: delimiter)))
                    continue
                }
                if keepsFields {
                    try sink.add(fields: record.bytes[...], ends: record.ends[...], line: record.line)
                    continue
                }
                json.removeAll(keepingCapacity: true)
                for index in 0..<record.count {
                    json += keys[index]
                    JSONPath.quote(record.bytes[record.range(index)], into: &json)
                }
                json.append(UInt8(ascii: "}"))
                try sink.add(json: json, line: record.line)
            }
        }
    }

    /// `3` → `3 ('Amount')`, so the analyst need not count columns.
    private func named(_ failure: RecordFailure, header: [String]) -> RecordFailure {
        var failure = failure
        if let number = failure.field.flatMap(Int.init), header.indices.contains(number - 1) {
            failure.field = "\(number) ('\(header[number - 1])')"
        }
        return failure
    }

    private func checkHeader(_ header: [String]) throws {
        if header == [""] {
            throw IngestError.header(
                file: file, place: "line 1", reason: "the line is empty; the first line must name the columns")
        }
        try HeaderCheck(file: file, place: "line 1", entity: entity, columnLabel: { "\($0 + 1)" }).check(header)
    }
}
