import Foundation
import Yams

/// The declarative spec (`airlock.yml`): which inbox files feed which entity, and how their
/// records become clean, typed rows.
public struct Spec: Equatable, Sendable {
    /// The name of the producer key under `keys/` that signs bundles.
    public var producerKey: String
    /// Entities parents first (see `ForeignKeyOrder`), otherwise in the order the spec lists
    /// them; scripts write them in this order and delete in reverse.
    public var entities: [EntitySpec]
    /// Seconds after creation when a bundle expires (`producer.expires_after`); nil: never.
    public var bundleLifetime: Int? = Spec.defaultBundleLifetime
    /// What `verify` requires by default in this workspace (`approvals:`).
    public var approvals = ApprovalPolicy()
    /// Where ingested files go and how far archives may expand (`inbox:`).
    public var inbox = InboxSettings()

    public static let defaultBundleLifetime = 30 * 86_400

    public init(producerKey: String, entities: [EntitySpec]) {
        self.producerKey = producerKey
        self.entities = entities
    }

    /// The entity whose file pattern matches `fileName`, if any.
    public func entity(forFile fileName: String) -> EntitySpec? {
        entities.first { $0.source.matches(fileName: fileName) }
    }
}

extension Spec {
    /// Loads and checks a spec file; every problem is reported with its place in the file.
    public static func load(path: String) throws -> Spec {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SpecError.unreadable(path: path, reason: error.localizedDescription)
        }
        return try parse(yaml: text, path: path)
    }

    public static func parse(yaml: String, path: String = "airlock.yml") throws -> Spec {
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
