import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import Logging

/// `airlock pull`: fetches every page of an entity's API source into one dump in `inbox/`,
/// where the pipeline reads it like any dropped file. An incremental source asks only for what
/// changed since its committed cursor (`PullCursor`), which only a bundle moves.
///
/// Transient failures (timeouts, connection errors, 429, 5xx, bodies cut short) are retried
/// with exponential backoff and jitter, honouring `Retry-After`; after `attempts` tries the
/// pull stops with the source, page and reason, and the inbox is left as it was.
package struct Puller {
    package let workspace: Workspace
    let environment: [String: String]
    let logger: Logger

    /// The longest `Retry-After` Airlock waits; a server asking for more is given up on.
    static let maximumRetryAfter: Double = 600

    package init(workspace: Workspace, environment: [String: String], logger: Logger) {
        self.workspace = workspace
        self.environment = environment
        self.logger = logger
    }

    /// Entities with a `source.pull` section, in spec order.
    package var pullableEntities: [EntitySpec] {
        workspace.spec.entities.filter { $0.source.pull != nil }
    }

    /// The named entities (all pullable ones when `names` is empty), checked before any request.
    package func entities(named names: [String]) throws -> [EntitySpec] {
        guard !pullableEntities.isEmpty else { throw PullError.noSources }
        guard !names.isEmpty else { return pullableEntities }
        return try names.map { name in
            guard let entity = pullableEntities.first(where: { $0.name == name }) else {
                throw PullError.unknownEntity(name, pullable: pullableEntities.map(\.name))
            }
            return entity
        }
    }

    package func pull(_ entity: EntitySpec) throws -> PullReport {
        guard let spec = entity.source.pull else {
            throw PullError.unknownEntity(entity.name, pullable: pullableEntities.map(\.name))
        }
        let cursor = try spec.incremental.map { try self.cursor(of: entity, $0) }
        var session = try PullSession(
            entity: entity, spec: spec, cursor: cursor, environment: environment, logger: logger)
        let started = Date()
        var dump: PullDump
        do {
            dump = try PullDump(directory: workspace.state.appendingPathComponent("pulling"), entity: entity.name)
        } catch {
            throw PullError.write(source: entity.name, path: workspace.state.path, reason: FileErrorText.reason(error))
        }
        do {
            var records = 0
            while let page = try session.nextPage() {
                try dump.append(page: page.data)
                records += page.records
            }
            let stamp = Self.stamp(started)
            let provenance = PullDump.Provenance(
                source: entity.name, method: spec.method.rawValue, url: spec.url,
                params: Dictionary(spec.parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }),
                pagination: spec.pagination.style.name, pulledAt: started.utcTimestamp, finishedAt: Date().utcTimestamp,
                pages: dump.pages, records: records, cursor: cursor)
            let file = try dump.publish(provenance, into: workspace.inbox, entity: entity.name, stamp: stamp)
            return PullReport(
                entity: entity.name, file: file, pages: dump.pages, records: records, retries: session.retries,
                cursor: cursor)
        } catch let error as PullError {
            dump.discard()
            throw error
        } catch {
            dump.discard()
            throw PullError.write(source: entity.name, path: workspace.inbox.path, reason: FileErrorText.reason(error))
        }
    }

    /// What an incremental pull asks for: the committed mark, `lookback` earlier, or everything
    /// (no `since`) before any bundle committed a mark, or when the mark came from another `from`.
    private func cursor(of entity: EntitySpec, _ incremental: IncrementalPull) throws -> Manifest.Cursor {
        let everything = Manifest.Cursor(param: incremental.parameter, since: nil)
        guard let committed = try workspace.database.read({ try PullCursor.committed(entity: entity.name, in: $0) })
        else { return everything }
        guard committed.expression == incremental.from else {
            logger.warning(
                "\(entity.name): pull.incremental.from changed since bundle \(committed.bundleSequence) (was '\(committed.expression)'); pulling in full, and the next bundle commits a mark of the new expression"
            )
            return everything
        }
        guard let since = incremental.cursor(after: committed.mark) else {
            throw PullError.cursorNotTimestamp(source: entity.name, mark: committed.mark, from: incremental.from)
        }
        return Manifest.Cursor(param: incremental.parameter, since: since)
    }

    private static func stamp(_ date: Date) -> String {
        date.utcTimestamp.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
    }
}
