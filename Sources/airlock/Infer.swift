import AirlockProducer
import AirlockSite
import ArgumentParser
import Foundation

struct Infer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Propose a spec entity for a new export: fields, types and a key.",
        discussion: """
            Reads FILE the way the pipeline would (CSV with any delimiter and encoding it \
            detects, a JSON array or API envelope, NDJSON) and prints an entities: block for \
            airlock.yml: a column per field (dotted paths for nested JSON, whatever the keys' \
            spelling), the narrowest type every value parses as with the rules it needs \
            (thousands: and decimal_separator: for 1,234.50 or 1.234,50; format: for \
            22/07/2026, month first only when a day over 12 says so), enum with values: and \
            map: only for labels (never IDs, names, emails or places), trim and case: lower \
            for emails, and the smallest unique key of up to three fields. A comment names \
            each thing it could not decide. Used as is, the proposal ingests FILE; \
            `airlock init` writes it into a new workspace's airlock.yml.

            Examples:
              airlock infer exports/payments.csv
              airlock infer products.json >> airlock.yml   # then move it under entities:
            """
    )

    @Argument(help: "The export to read (.csv, .json, .ndjson, .jsonl or .xlsx).")
    var file: String

    func run() throws {
        let proposal = try SpecInference.infer(URL(fileURLWithPath: file))
        FileHandle.standardOutput.write(Data(proposal.yaml.utf8))
    }
}
