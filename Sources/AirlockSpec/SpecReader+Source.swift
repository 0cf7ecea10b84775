import AirlockBase
import Yams

/// An entity's `source`: which inbox files feed it and how they are read.
extension SpecReader {
    func source(_ node: Node, at place: String) throws -> SourceSpec {
        let fields = try mapping(node, at: place)
        try checkKeys(
            fields,
            known: [
                "files", "format", "records", "pull", "delimiter", "encoding", "all_or_nothing", "mode", "delete_when",
                "tombstone", "unknown_fields", "missing_fields", "sheet"
            ],
            at: place)
        let pattern = try string(try required(fields, "files", at: place), at: "\(place).files")
        let format: SourceSpec.Format
        if let formatNode = fields["format"] {
            let spelling = try string(formatNode, at: "\(place).format")
            guard let parsed = SourceSpec.Format(rawValue: spelling.lowercased()) else {
                throw invalid("\(place).format", "unknown format '\(spelling)'; use csv, json, ndjson or xlsx")
            }
            format = parsed
        } else if let parsed = SourceSpec.Format(fileName: pattern) {
            format = parsed
        } else {
            throw invalid(
                "\(place).format", "cannot tell the format from '\(pattern)'; add format: csv, json, ndjson or xlsx")
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
            guard format != .xlsx else {
                throw invalid(
                    "\(place).encoding",
                    "a workbook's XML declares its own encoding; xlsx sources take none\(line(node))")
            }
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
        if let node = fields["mode"] {
            let spelling = try string(node, at: "\(place).mode")
            guard let mode = SourceSpec.Mode(rawValue: spelling) else {
                throw invalid(
                    "\(place).mode",
                    "expected snapshot (the default: a key the drop lacks is deleted) or delta (it is left as it is), got '\(spelling)'\(line(node))"
                )
            }
            source.mode = mode
        }
        if let node = fields["sheet"] {
            guard format == .xlsx else {
                throw invalid("\(place).sheet", "a sheet applies to spreadsheets only (format: xlsx)\(line(node))")
            }
            source.sheet = try string(node, at: "\(place).sheet")
        }
        source.deletion = try deletion(fields, mode: source.mode, at: place)
        if let node = fields["unknown_fields"] {
            let spelling = try string(node, at: "\(place).unknown_fields")
            guard spelling == "ignore" || spelling == Severity.warn.rawValue || spelling == Severity.block.rawValue
            else {
                throw invalid(
                    "\(place).unknown_fields",
                    "expected ignore (the default), warn or block, got '\(spelling)'\(line(node))")
            }
            source.unknownFields = Severity(rawValue: spelling)
        }
        if let node = fields["missing_fields"] {
            let spelling = try string(node, at: "\(place).missing_fields")
            guard let severity = Severity(rawValue: spelling), severity != .quarantine else {
                throw invalid(
                    "\(place).missing_fields", "expected warn (the default) or block, got '\(spelling)'\(line(node))")
            }
            source.missingFields = severity
        }
        return source
    }

    /// `delete_when: SQL` or `tombstone: FIELD`, for delta sources only.
    private func deletion(_ fields: Node.Mapping, mode: SourceSpec.Mode, at place: String) throws
        -> SourceSpec.Deletion?
    {
        let condition = try fields["delete_when"].map { try string($0, at: "\(place).delete_when") }
        let field = try fields["tombstone"].map { try string($0, at: "\(place).tombstone") }
        guard condition != nil || field != nil else { return nil }
        guard mode == .delta else {
            throw invalid(
                place,
                "delete_when and tombstone mark deletions in delta drops (mode: delta); a snapshot drop deletes the keys it lacks"
            )
        }
        switch (condition, field) {
        case let (condition?, nil): return .when(condition)
        case let (nil, field?):
            guard !field.isEmpty, !field.contains("\"") else {
                throw invalid("\(place).tombstone", "a source field name must be non-empty and hold no double quote")
            }
            return .tombstone(field: field)
        default: throw invalid(place, "give delete_when or tombstone, not both")
        }
    }
}
