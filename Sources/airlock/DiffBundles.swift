import AirlockBase
import AirlockProducer
import AirlockSite
import ArgumentParser
import Foundation

struct DiffBundles: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what differs between the changes of two bundles.",
        discussion: """
            Compares the field-level changes (changes/ENTITY.ndjson) of bundle A and bundle B: \
            first a summary per entity (changes only in A, only in B, and keys both change \
            differently), then each of them, field by field with each side's before and after \
            values. Use it to \
            check a regenerated bundle against the one under review, or to see how two days' \
            bundles differ. Both bundles are verified first (integrity and producer signature).

            Examples:
              airlock diff outbox/bundle-000002.tar.gz \\
                  /tmp/regenerated/bundle-000002.tar.gz
              airlock diff bundle-000002.tar.gz bundle-000003.tar.gz --json
            """
    )

    @Argument(help: "Bundle A.")
    var a: String

    @Argument(help: "Bundle B.")
    var b: String

    @Flag(help: "Print the comparison as JSON, for scripts.")
    var json = false

    @OptionGroup var trust: TrustOptions

    func run() throws {
        let comparison = try BundleComparison.compare(
            URL(fileURLWithPath: a), URL(fileURLWithPath: b), verifier: try trust.verifier())
        if json { return FileHandle.standardOutput.write(try CanonicalJSON.encode(comparison)) }
        let style = TerminalStyle.standardOutput
        for (label, side) in [("A", comparison.a), ("B", comparison.b)] {
            printLine("\(label): \(side.file) (bundle \(side.sequence), \(side.id), digest \(side.digest.prefix(16))…)")
        }
        guard !comparison.identical else {
            return printLine(style.good("no differences: both bundles make the same changes"))
        }
        // The summary first: how much differs where, before the keys.
        printStyledLine(style.bold("\nSummary"))
        var rows = [["  entity", "only in A", "only in B", "different"]]
        for entity in comparison.entities {
            rows.append([
                "  \(VisibleText.escaped(entity.name))", String(entity.onlyInA.count), String(entity.onlyInB.count),
                String(entity.different.count)
            ])
        }
        let totals = comparison.entities.reduce(into: [0, 0, 0]) { totals, entity in
            totals[0] += entity.onlyInA.count
            totals[1] += entity.onlyInB.count
            totals[2] += entity.different.count
        }
        rows.append(["  all"] + totals.map(String.init))
        for line in style.table(rows) { printStyledLine(line) }
        for entity in comparison.entities {
            printLine(style.bold("\n\(entity.name)"))
            for (label, changes) in [("only in A", entity.onlyInA), ("only in B", entity.onlyInB)] {
                for change in changes {
                    printLine(
                        "  \(label): " + style.change(change.op, change.op.rawValue) + " \(Self.keyText(change.key))")
                }
            }
            for difference in entity.different {
                let ops =
                    difference.opA == difference.opB
                    ? difference.opA.rawValue : "A \(difference.opA.rawValue), B \(difference.opB.rawValue)"
                printLine("  differs: \(Self.keyText(difference.key)) (\(ops))")
                for field in difference.fields {
                    printLine("      \(field.field): A \(Self.text(field.a)) | B \(Self.text(field.b))")
                }
            }
        }
    }

    private static func keyText(_ key: [String: FieldValue]) -> String {
        key.keys.sorted().map { "\($0)=\(key[$0]!.inline)" }.joined(separator: ", ")
    }

    private static func text(_ change: BundleComparison.FieldChange?) -> String {
        guard let change else { return "(not changed)" }
        return [change.before?.inline, change.after?.inline].map { $0 ?? "—" }.joined(separator: " → ")
    }
}
