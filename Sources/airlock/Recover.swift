import AirlockBase
import AirlockProducer
import ArgumentParser
import Foundation
import Logging

struct Recover: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild the workspace state from the bundles in outbox/ after its database was lost or damaged.",
        discussion: """
            A producer whose database does not match its outbox (the database removed, damaged, \
            or restored from an older copy) stops before reading or writing anything. Recover \
            verifies every bundle in outbox/ (hashes and producer signature), takes the chain \
            position from the newest, each entity's rows from the newest bundle that changed it \
            (its cutover data) and the before-images discard needs from the change files, checks \
            every rebuilt table against the manifests' checksums, and puts the rebuilt database \
            in place; the old one and .airlock/staging move to .airlock/before-recover-TIME/. \
            It refuses, changing nothing, when outbox/ has no bundle, skips a sequence number, is \
            not one chain, lacks the bundle holding some entity's rows, or its rows do not match \
            (a spec changed since); and when the database is sound (exit 3).

            Example:
              airlock recover --workspace /srv/airlock
            """
    )

    @OptionGroup var trust: TrustOptions

    func run() throws {
        let recovery = WorkspaceRecovery(
            root: trust.workspace.url, verifier: try trust.verifier(), logger: Logger(label: "airlock.recover"))
        let recovered = try recovery.recover()
        printLine(
            "recovered from \(recovered.bundles.count) bundle(s) (\(recovered.bundles.first!) … \(recovered.bundles.last!)): the next bundle continues bundle \(recovered.sequence) (digest \(recovered.digest.prefix(16))…)"
        )
        for entity in recovered.rows { printLine("  \(entity.entity): \(entity.rows) rows") }
        if let aside = recovered.movedAside {
            printLine("  the previous database and staging folder are in \(aside.path)")
        }
    }
}
