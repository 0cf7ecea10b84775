import AirlockBase
import AirlockSpec
import Foundation

extension SpecInference {
    /// What `airlock infer` proposes for one file: an entity with its source, key and columns,
    /// written as spec YAML the strict reader accepts, with a comment for each thing left open.
    package struct Proposal: Equatable, Sendable {
        package var entity: String
        package var source: SourceSpec
        package var records: Int
        package var columns: [Column]
        /// Columns that are never empty and unique in the file, the likeliest key first.
        package var keyCandidates: [String]
        /// The smallest unique combination of up to three fields; nil when none is unique.
        package var key: [String]?

        /// The proposal as spec YAML: an `entities:` block holding the one entity.
        package var yaml: String {
            "# Proposed by airlock infer from \(records) records; check the types and the key before use.\n"
                + "entities:\n" + entityYAML
        }

        /// The entity's lines, indented to sit under `entities:`.
        package var entityYAML: String {
            var lines = ["  \(entity):", "    source:", "      files: \(Self.quoted(source.filePattern))"]
            if !source.recordsPath.isEmpty { lines.append("      records: \(Self.quoted(source.recordsPath))") }
            lines += keyLines
            lines.append("    columns:")
            for column in columns {
                lines += column.inference.notes.map { "      # \(column.name): \($0)" }
                lines.append("      \(column.name): {\(Self.settings(of: column).joined(separator: ", "))}")
            }
            return lines.joined(separator: "\n") + "\n"
        }

        private var keyLines: [String] {
            if let key {
                let others = keyCandidates.filter { !key.contains($0) }
                return [
                    "    key: \(Self.list(key))"
                        + (key.count == 1 && !others.isEmpty
                            ? "    # also unique here: \(others.joined(separator: ", "))" : "")
                ]
            }
            // No unique key: whichever is chosen, records sharing it supersede each other.
            let fallback = columns.first.map { [$0.name] } ?? []
            return [
                "    # No field, nor two or three together, is unique and never empty in this file: records",
                "    # sharing a key supersede each other (run counts them as superseded). Choose the key.",
                "    key: \(Self.list(fallback))"
            ]
        }

        private static func list(_ names: [String]) -> String {
            names.count == 1 ? names[0] : "[\(names.joined(separator: ", "))]"
        }

        /// The column's flow mapping entries: from, type and the rules inferred for it.
        private static func settings(of column: Column) -> [String] {
            let inference = column.inference
            var settings = ["from: \(quoted(column.from))", "type: \(quoted(inference.type.description))"]
            if let mark = inference.thousands { settings.append("thousands: \(quoted(mark))") }
            if let mark = inference.decimalSeparator { settings.append("decimal_separator: \(quoted(mark))") }
            if let format = inference.format { settings.append("format: \(quoted(format))") }
            if inference.trim { settings.append("trim: true") }
            if inference.lowercase { settings.append("case: lower") }
            if !inference.values.isEmpty {
                settings.append("values: [\(inference.values.map(quoted).joined(separator: ", "))]")
            }
            if !inference.map.isEmpty {
                settings.append(
                    "map: {\(inference.map.map { "\(quoted($0[0])): \(quoted($0[1]))" }.joined(separator: ", "))}")
            }
            return settings
        }

        /// A YAML double-quoted scalar; control characters as escapes (`\t`, `\x01`).
        static func quoted(_ text: String) -> String {
            var quoted = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\\": quoted += "\\\\"
                case "\"": quoted += "\\\""
                case "\t": quoted += "\\t"
                case "\n": quoted += "\\n"
                case "\r": quoted += "\\r"
                case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                    quoted += "\\x" + String(format: "%02X", scalar.value)
                default: quoted.unicodeScalars.append(scalar)
                }
            }
            return quoted + "\""
        }
    }
}
