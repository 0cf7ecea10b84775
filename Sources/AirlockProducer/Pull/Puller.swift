import AirlockBase
import AirlockSpec
import Foundation
import Logging

/// `airlock pull`: fetches every page of an entity's API source into one dump in `inbox/`,
/// where the pipeline reads it like any dropped file.
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
        var session = try PullSession(entity: entity, spec: spec, environment: environment, logger: logger)
        let started = Date()
        var dump: PullDump
        do {
            dump = try PullDump(directory: workspace.state.appendingPathComponent("pulling"), entity: entity.name)
        } catch {
            throw PullError.write(source: entity.name, path: workspace.state.path, reason: error.localizedDescription)
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
                pages: dump.pages, records: records)
            let file = try dump.publish(provenance, into: workspace.inbox, entity: entity.name, stamp: stamp)
            return PullReport(
                entity: entity.name, file: file, pages: dump.pages, records: records, retries: session.retries)
        } catch let error as PullError {
            dump.discard()
            throw error
        } catch {
            dump.discard()
            throw PullError.write(source: entity.name, path: workspace.inbox.path, reason: error.localizedDescription)
        }
    }

    private static func stamp(_ date: Date) -> String {
        date.utcTimestamp.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
    }
}
