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
            airlock.yml: a column per field (dotted paths for nested JSON), the narrowest type \
            every value parses as (integer, decimal, boolean, date, timestamp, enum for labels such as \
            'bill-payment', else text) and the fields that are unique and never empty as key \
            candidates. Used as is, the proposal ingests FILE without errors; check the types \
            and the key before relying on it.

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
