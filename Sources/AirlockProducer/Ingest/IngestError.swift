import AirlockBase

/// Why an inbox file was rejected. Every case names the file, and the line or record and
/// field where there is one, so an analyst can find and fix it.
package enum IngestError: AirlockError, Equatable {
    case unreadable(file: String, reason: String)
    case noMatchingEntity(file: String)
    case malformed(file: String, line: Int, field: Int?, reason: String)
    case invalidJSON(file: String, line: Int?, reason: String)
    /// `place` is the header's: `line 1` of a CSV file, `sheet 'Orders', row 1` of a workbook.
    case missingColumn(file: String, place: String, column: String, specPlace: String, header: [String])
    case header(file: String, place: String, reason: String)
    case refusedArchive(file: String, member: String, reason: String)
    /// A record that could not be read, where the file may not lose any (or had none to spare).
    case record(file: String, failure: RecordFailure, consequence: String)

    package var exitStatus: ExitStatus { .validationBlocked }

    package var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): \(reason)"
        case let .noMatchingEntity(file):
            return "\(file): no entity in the spec takes this file (no source.files pattern matches its name)"
        case let .malformed(file, line, field, reason):
            return "\(file): line \(line)\(field.map { ", field \($0)" } ?? ""): \(reason)"
        case let .invalidJSON(file, line, reason):
            return "\(file)\(line.map { ": line \($0)" } ?? ""): invalid JSON: \(reason)"
        case let .missingColumn(file, place, column, specPlace, header):
            return
                "\(file): \(place): no column '\(column)' (named by \(specPlace)); the header has: \(Self.excerpt(of: header))"
        case let .header(file, place, reason):
            return "\(file): \(place): \(reason)"
        case let .record(file, failure, consequence):
            return "\(file): \(failure.place): \(failure.reason); \(consequence)"
        case let .refusedArchive(file, member, reason):
            return "\(file): member '\(member)': \(reason); the archive is refused and nothing in it is ingested"
        }
    }

    /// The header's names, quoted, up to `RecordFailure.excerptLimit` bytes: an error file never
    /// quotes more of a file than the failing record's excerpt.
    private static func excerpt(of header: [String]) -> String {
        var shown: [String] = []
        var length = 0
        for name in header {
            let quoted = "'\(name)'"
            guard length + quoted.utf8.count <= RecordFailure.excerptLimit else { break }
            shown.append(quoted)
            length += quoted.utf8.count + 2
        }
        let more = header.count - shown.count
        return shown.joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")
    }
}
