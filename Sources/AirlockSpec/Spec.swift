import AirlockBase
import Foundation
import Yams

/// The declarative spec (`airlock.yml`): which inbox files feed which entity, and how their
/// records become clean, typed rows.
package struct Spec: Equatable, Sendable {
    /// The name of the producer key under `keys/` that signs bundles.
    package var producerKey: String
    /// Entities parents first (see `ForeignKeyOrder`), otherwise in the order the spec lists
    /// them; scripts write them in this order and delete in reverse.
    package var entities: [EntitySpec]
    /// Seconds after creation when a bundle expires (`producer.expires_after`); nil: never.
    package var bundleLifetime: Int? = Spec.defaultBundleLifetime
    /// How many distinct producer keys sign each bundle (`producer.signatures`): the producer
    /// key, and others with `airlock cosign`; written into each manifest when more than one.
    package var producerSignatures = 1
    /// The approvals every bundle needs (`approvals:`), written into each manifest.
    package var approvals = ApprovalPolicy()
    /// Where ingested files go and how far archives may expand (`inbox:`).
    package var inbox = InboxSettings()
    /// The dialects bundles carry scripts for (`targets:`), in `SQLDialect` order.
    package var targets = SQLDialect.allCases

    package static let defaultBundleLifetime = 30 * 86_400

    package init(producerKey: String, entities: [EntitySpec]) {
        self.producerKey = producerKey
        self.entities = entities
    }

    /// The entity called `name`. Rules name entities the spec reader checked, so asking for
    /// another is a bug.
    package func entity(named name: String) -> EntitySpec {
        guard let entity = entities.first(where: { $0.name == name }) else {
            preconditionFailure("no entity is named '\(name)'; the spec reader checks the names rules use")
        }
        return entity
    }

    /// The entity whose file pattern matches `fileName`, if any; never a child, whose records
    /// are its parent's files read again.
    package func entity(forFile fileName: String) -> EntitySpec? {
        entities.first { $0.nesting == nil && $0.source.matches(fileName: fileName) }
    }
}

extension Spec {
    /// Loads and checks a spec file; every problem is reported with its place in the file.
    package static func load(path: String) throws -> Spec {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SpecError.unreadable(path: path, reason: FileErrorText.reason(error))
        }
        return try parse(yaml: text, path: path)
    }

    package static func parse(yaml: String, path: String = "airlock.yml") throws -> Spec {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw SpecError.invalid(path: path, at: "top level", reason: "the spec is empty")
            }
            root = node
        } catch let error as SpecError {
            throw error
        } catch {
            throw SpecError.unreadable(path: path, reason: "not valid YAML: \(error)")
        }
        return try SpecReader(path: path).spec(from: root)
    }
}
