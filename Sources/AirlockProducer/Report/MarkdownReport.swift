import AirlockBase
import AirlockSite
import AirlockSpec

/// `report.md`: the bundle's summary, breakdown, findings and first changes as Markdown tables.
struct MarkdownReport {
    let contents: BundleContents
    /// Changes per entity listed; a terminal page should stay short.
    static let changesListed = 20

    /// What the bundle holds as this page is written: the producer's signature and no
    /// approval yet, so whether the policy is met now (only when it asks for none).
    private var signatures: String {
        let manifest = contents.manifest
        let needed = manifest.signatures ?? 1
        var rows = [["producer signature (SHA256SUMS.sig)", manifest.producer, "signed"]]
        if needed > 1 {
            rows.append([
                "second producer signatures (signatures/)", "", "0 of \(needed - 1); added with airlock cosign"
            ])
        }
        let approvals = ApprovalStatus(required: manifest.approvals ?? ApprovalPolicy(), approvals: [])
        rows.append(["approvals (approvals/)", "", approvals.line + (approvals.isMet ? ", met" : ", not yet met")])
        return table(["signature", "by", "when this page was written"], rows) + "\nPolicy: "
            + Self.cell(contents.policyText)
            + ". Signatures and approvals added to the bundle file after this page was written are not on it: `airlock show BUNDLE` lists them and says whether the policy is met.\n"
    }

    func render() -> String {
        let manifest = contents.manifest
        var out = "# Airlock bundle \(manifest.sequence)\n\n"
        out += table(["", ""], contents.facts.map { [$0.0, $0.1] })
        let schema = contents.schemaChanges
        if !schema.rows.isEmpty {
            out += "\n## Schema changes\n\n\(BundleContents.schemaChangesNote)\n\n"
            out += table(schema.header, schema.rows)
        }
        out += "\n## Sources\n\n" + table(contents.sources.header, contents.sources.rows)
        out += "\n## Changes by entity\n\n"
        let labelled = manifest.entities.flatMap { entity in
            let breakdown = Breakdown(entity)
            return [(entity.name, breakdown)]
                + breakdown.categories.map { ("\(entity.name) · \(entity.category ?? "") = \($0.label)", $0) }
        }
        let columns = Breakdown.columns(for: labelled.map(\.1))
        out += table(
            ["entity"] + columns.map(\.rawValue), labelled.map { label, line in [label] + columns.map(line.cell) })
        let limits = contents.limitLines
        if !limits.isEmpty {
            out +=
                "\n## Limits\n\n"
                + table(["entity", "limit", "this bundle"], limits.map { [$0.entity, $0.limit, $0.bundle] })
        }
        out += "\n## Signatures and approvals\n\n" + signatures
        let overrides = contents.overrideLines
        if !overrides.isEmpty {
            out += "\n## Overrides\n\n"
            out += table(
                ["entity", "when", "sets", "why", "rows changed", "examples (source → set)"],
                overrides.map {
                    [$0.entity, $0.when, $0.sets, $0.note, String($0.rows), $0.examples.joined(separator: "; ")]
                })
        }
        out += "\n## Validation\n\n"
        if let validation = contents.validation, validation.total > 0 {
            out += "\(validation.total) finding(s).\n\n"
            out += table(
                ["severity", "entity", "place", "key", "value", "reason"],
                validation.findings.map {
                    [$0.severity.rawValue, $0.entity, $0.place, $0.key ?? "", $0.value ?? "", $0.reason]
                })
            if validation.omitted > 0 { out += "\n\(validation.omitted) more not listed.\n" }
        } else {
            out += "No findings.\n"
        }
        out += "\n## Field-level changes\n"
        out +=
            "\nThe bundle's `report.html` shows the first \(HTMLReport.carriedInBundle) changes of each kind in a browser; `airlock show BUNDLE --html FILE` writes that page with up to \(HTMLReport.carriedByShow).\n"
        for entity in manifest.entities {
            let changes = (contents.changes[entity.name] ?? []).prefix(Self.changesListed)
            out +=
                "\n### \(entity.name): \(changes.count) of \(entity.counts.changed) listed (all in `\(BundleLayout.changes(of: entity.name))`)\n\n"
            var rows: [[String]] = []
            for change in changes {
                let key = change.keyText(order: entity.key)
                let fields = change.fields
                if fields.isEmpty { rows.append([change.op.rawValue, key, "", "", ""]) }
                for field in fields {
                    rows.append([
                        change.op.rawValue, key, field, change.before?[field]?.description ?? "",
                        change.after?[field]?.description ?? ""
                    ])
                }
            }
            out += table(["change", "key", "field", "before", "after"], rows)
        }
        return out
    }

    private func table(_ header: [String], _ rows: [[String]]) -> String {
        func line(_ cells: [String]) -> String { "| " + cells.map(Self.cell).joined(separator: " | ") + " |\n" }
        return line(header) + "|" + String(repeating: "---|", count: header.count) + "\n" + rows.map(line).joined()
    }

    /// Text inside a table cell: on one line (see `FieldValue.inline`), and each character
    /// Markdown could read as markup escaped with a backslash, so a value shows as the text it
    /// is: never a link, an image, emphasis, code, HTML or an entity, nor a cell boundary.
    static func cell(_ text: String) -> String {
        let characters = Array(FieldValue.text(text).inline)
        var cell = ""
        for (index, character) in characters.enumerated() {
            // An underscore between letters or digits never emphasizes (CommonMark), so
            // names like product_id stay as they are.
            let intraword =
                character == "_" && index > 0 && index + 1 < characters.count
                && characters[index - 1].isLetterOrDigit && characters[index + 1].isLetterOrDigit
            if markup.contains(character) && !intraword { cell.append("\\") }
            cell.append(character)
        }
        return cell
    }

    /// What CommonMark and GitHub tables read as markup inside a cell.
    private static let markup: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "~", "&"]
}

extension Character {
    fileprivate var isLetterOrDigit: Bool { isLetter || isNumber }
}
