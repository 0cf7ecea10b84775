import AirlockBase
import Yams

/// An entity's `source`: which inbox files feed it and how they are read.
extension SpecReader {
    func source(_ node: Node, at place: String) throws -> SourceSpec {
        let fields = try mapping(node, at: place)
        try checkKeys(
            fields, known: ["files", "format", "records", "pull", "delimiter", "encoding", "all_or_nothing"],
            at: place)
        let pattern = try string(try required(fields, "files", at: place), at: "\(place).files")
        let format: SourceSpec.Format
        if let formatNode = fields["format"] {
            let spelling = try string(formatNode, at: "\(place).format")
            guard let parsed = SourceSpec.Format(rawValue: spelling.lowercased()) else {
                throw invalid("\(place).format", "unknown format '\(spelling)'; use csv, json or ndjson")
            }
            format = parsed
        } else if let parsed = SourceSpec.Format(fileName: pattern) {
            format = parsed
        } else {
            throw invalid(
                "\(place).format", "cannot tell the format from '\(pattern)'; add format: csv, json or ndjson")
        }
        let recordsPath = try fields["records"].map { try string($0, at: "\(place).records") } ?? ""
        if format != .json && !recordsPath.isEmpty {
            throw invalid("\(place).records", "a records path applies to JSON documents only (format: json)")
        }
        if !recordsPath.isEmpty {
            do {
                _ = try JSONRecordsPath(recordsPath)
            } catch {
                throw invalid("\(place).records", "\(error)")
            }
        }
        var source = SourceSpec(filePattern: pattern, format: format, recordsPath: recordsPath)
        if let node = fields["pull"] {
            source.pull = try pull(node, for: source, at: "\(place).pull")
        }
        if let node = fields["delimiter"] {
            let spelling = try string(node, at: "\(place).delimiter")
            guard format == .csv else {
                throw invalid("\(place).delimiter", "a delimiter applies to CSV sources only\(line(node))")
            }
            guard let delimiter = SourceSpec.delimiter(spelling: spelling) else {
                throw invalid(
                    "\(place).delimiter",
                    "'\(spelling)' is not a delimiter; write one character such as ';' or '|', or tab\(line(node))")
            }
            source.delimiter = delimiter
        }
        if let node = fields["encoding"] {
            let name = try string(node, at: "\(place).encoding")
            guard EncodingName.isKnown(name) else {
                throw invalid(
                    "\(place).encoding",
                    "unknown encoding '\(name)'; use a name such as utf-8, latin1, windows-1252 or utf-16\(line(node))")
            }
            source.encoding = name
        }
        if let node = fields["all_or_nothing"] {
            source.allOrNothing = try boolean(node, at: "\(place).all_or_nothing")
        }
        return source
    }
}
