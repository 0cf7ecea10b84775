import AirlockBase
import AirlockProducer
import AirlockSite
import AirlockSpec
import ArgumentParser
import Foundation

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a bundle changes, who signed and approved it, and what validation found.",
        discussion: """
            Checks the bundle's integrity and producer signature first (as verify does, but an \
            expired or rejected bundle is still shown, and says so), then prints its manifest \
            summary, every signature, approval and rejection with whether it counts, the counts \
            per entity and per category with their shares, the validation findings, and the \
            first field-level changes of each entity. The whole list is in the bundle's \
            changes/ENTITY.ndjson; report.html in the bundle shows the first 1,000 changes of \
            each kind in a browser, and --html FILE writes that page with up to 100,000.

            Examples:
              airlock show outbox/bundle-000002.tar.gz
              airlock show bundle-000002.tar.gz --changes 50
              airlock show bundle-000002.tar.gz --json | jq '.entities[].breakdown.counts'
              airlock show bundle-000002.tar.gz --html review.html
            """
    )

    @Argument(help: "The bundle file (bundle-NNNNNN.tar.gz).")
    var bundle: String

    @Option(help: ArgumentHelp("Field-level changes to list per entity.", valueName: "n"))
    var changes = 10

    @Flag(help: "Print the summary as JSON, for scripts.")
    var json = false

    @Option(
        help: ArgumentHelp(
            "Also write the bundle's report page to this file, with the signatures and approvals the bundle holds now.",
            valueName: "file"))
    var html: String?

    @OptionGroup var trust: TrustOptions

    func validate() throws {
        guard changes >= 0 else { throw ValidationError("--changes takes 0 or more") }
    }

    func run() throws {
        let summary = try BundleSummary.load(
            URL(fileURLWithPath: bundle), verifier: try trust.verifier(), sampleSize: changes,
            page: html.map { URL(fileURLWithPath: $0) })
        if json { return FileHandle.standardOutput.write(try CanonicalJSON.encode(summary)) }
        for line in Self.render(summary, style: .standardOutput) { printStyledLine(line) }
        if let html { print("\nwrote \(html): the report page, with the changes and the approvals the file holds") }
    }

    static func render(_ summary: BundleSummary, style: TerminalStyle) -> [String] {
        let b = summary.bundle
        var out = [
            style.bold("\(v(b.file)): bundle \(b.sequence) (\(v(b.id)))"),
            "  created \(v(b.created)), expires \(v(b.expires ?? "never"))"
                + (b.expired ? " " + style.bad("(EXPIRED)") : ""),
            "  digest \(v(b.digest))", "  parent \(b.parent.isEmpty ? "(none: the first bundle)" : v(b.parent))",
            "  scripts for \(b.targets.map(\.rawValue).joined(separator: " and ")), by \(b.delivery.map(\.rawValue).joined(separator: " and "))"
        ]
        if let catchup = b.catchup {
            out.append(
                "  catch-up: moves a target at bundle \(catchup.from) to bundle \(b.sequence); its ledger is then at \(v(catchup.head))"
            )
        }
        if !summary.schemaChanges.isEmpty {
            let spec = "spec \(v(b.parentSpecDigest ?? "(not recorded)")) → \(v(b.specDigest ?? ""))"
            out += ["", style.bold("Schema changes") + " (before any row; \(spec))"]
            for change in summary.schemaChanges {
                out.append("  \(v(change.line))")
                for statement in change.postgres { out.append("    postgres: \(v(statement))") }
                for statement in change.sqlite { out.append("    sqlite:   \(v(statement))") }
            }
        }
        out.append("")
        out.append(style.bold("Signatures"))
        for signature in summary.signatures {
            let state = signature.valid ? style.good("valid") : style.bad("not counted")
            let role =
                signature.role == .rejection && signature.valid ? style.bad("rejection") : signature.role.rawValue
            var line = "  \(role) by \(v(signature.name)): \(state)"
            if let fingerprint = signature.fingerprint { line += " (\(v(fingerprint)))" }
            if let recorded = signature.recorded {
                line += ", \(signature.role == .producer ? "signed" : "added") \(v(recorded))"
            }
            if let reason = signature.reason { line += ": \(v(reason))" }
            out.append(line)
        }
        let approvals = summary.approvals
        out.append(
            "  "
                + (approvals.isMet
                    ? style.good(v(approvals.line) + ", met") : style.caution(v(approvals.line) + ", not yet met"))
        )
        out += ["", style.bold("Sources")]
        out += style.table(
            summary.sources.map { source in
                ["  \(v(source.name))", "\(source.records) records", "→ \(v(source.entity))"]
                    + (source.cursor.map { ["cursor \(v($0.line))"] } ?? [])
            })
        out += ["", style.bold("Changes")]
        let columns = Breakdown.columns(for: summary.entities.flatMap { [$0.breakdown] + $0.breakdown.categories })
        var rows = [["  entity"] + columns.map(\.rawValue)]
        for entity in summary.entities {
            rows.append(["  \(v(entity.name))"] + columns.map(entity.breakdown.cell))
            for category in entity.breakdown.categories {
                rows.append(["    \(v(entity.category ?? "")) = \(v(category.label))"] + columns.map(category.cell))
            }
        }
        out += style.table(rows)
        if !summary.limits.isEmpty { out += ["", style.bold("Limits")] }
        for line in summary.limits { out.append("  \(v(line.entity)): \(line.limit): \(line.bundle)") }
        if !summary.overrides.isEmpty { out += ["", style.bold("Overrides")] }
        for line in summary.overrides {
            out.append(
                "  \(v(line.entity)): when \(v(line.when)) set \(v(line.sets)): \(line.rows) row(s) changed in this run"
                    + (line.note.isEmpty ? "" : " (\(v(line.note)))"))
            for example in line.examples { out.append("    \(v(example))") }
        }
        out += ["", style.bold("Validation")]
        if summary.validation.total == 0 { out.append("  no findings") }
        for finding in summary.validation.findings.prefix(20) {
            out.append(
                "  \(style.caution(finding.severity.rawValue)) \(v(finding.entity)): \(v(finding.place))\(finding.key.map { " (\(v($0)))" } ?? ""): \(v(finding.reason))"
            )
        }
        if summary.validation.total > 20 {
            out.append("  … \(summary.validation.total - 20) more (\(BundleLayout.validation))")
        }
        return out + changes(summary, style: style)
    }

    /// Each entity's first changes, field by field, before → after.
    static func changes(_ summary: BundleSummary, style: TerminalStyle) -> [String] {
        var out: [String] = []
        for entity in summary.entities {
            out += [
                "",
                style.bold("\(v(entity.name)): first \(entity.changes.sample.count) of \(entity.changes.total) changes")
            ]
            for change in entity.changes.sample {
                out.append(
                    "  " + style.change(change.op, change.op.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0))
                        + " " + v(change.keyText(order: entity.key)))
                for field in change.fields {
                    let before = change.before?[field].map { style.bad($0.inline) }
                    let after = change.after?[field].map { style.good($0.inline) }
                    out.append("      \(v(field)): " + [before, after].compactMap { $0 }.joined(separator: " → "))
                }
            }
        }
        return out
    }

    /// Text from the bundle, shown with its control characters made visible.
    private static func v(_ text: String) -> String { VisibleText.escaped(text) }
}
