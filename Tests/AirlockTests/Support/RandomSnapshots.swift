import Foundation
import GRDB

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSpec

/// Random entities within what a spec can declare, and random snapshot pairs for them, built
/// from one seed so that a failing case can be replayed from the seed the test reports.
struct RandomSnapshots {
    private var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// Quoting and encoding hazards; PostgreSQL text cannot hold NUL, so there is none here.
    static let hazards = [
        "'", "\"", "\\", "$$", "$airlock$", "\n", "\r", "\r\n", "\t", ";", "--", "/*", "😀", "\u{202E}", "שלום",
        "é", "e\u{0301}", "'\u{0301}", "\u{1}", "\u{1B}", "\\.", "\\N", "|", ",", " ", "NULL", ""
    ]

    static let types: [ColumnType] = [
        .text, .integer, .decimal(precision: 12, scale: 2), .decimal(precision: 6, scale: 0),
        .boolean, .timestamp, .date, .enumeration
    ]

    /// An entity named `name` with a one- or two-column key and up to five value columns.
    mutating func entity(named name: String) -> EntitySpec {
        let keyCount = Int.random(in: 1...2, using: &random)
        let valueCount = Int.random(in: 0...5, using: &random)
        var columns: [ColumnSpec] = []
        for index in 0..<keyCount {
            let type: ColumnType = Bool.random(using: &random) ? .integer : .text
            columns.append(ColumnSpec(name: "k\(index)", from: "k\(index)", type: type))
        }
        for index in 0..<valueCount {
            columns.append(
                ColumnSpec(name: "v\(index)", from: "v\(index)", type: Self.types.randomElement(using: &random)!))
        }
        let method: EntitySpec.UpsertMethod = Bool.random(using: &random) ? .onConflict : .updateThenInsert
        return EntitySpec(
            name: name, source: SourceSpec(filePattern: "\(name)*.json", format: .json),
            key: columns.prefix(keyCount).map(\.name), columns: columns, upsertMethod: method)
    }

    /// Two snapshots of `entity` that share some keys: B keeps, changes and drops rows of A and adds its own.
    mutating func snapshotPair(of entity: EntitySpec) -> ([[DatabaseValueConvertible?]], [[DatabaseValueConvertible?]])
    {
        var a: [[DatabaseValueConvertible?]] = [], b: [[DatabaseValueConvertible?]] = []
        for keyNumber in 0..<Int.random(in: 0...40, using: &random) {
            let key = entity.key.indices.map { keyValue(keyNumber * 2 + $0, type: entity.columns[$0].type) }
            let inA = Int.random(in: 0..<10, using: &random) < 6
            let inB = Int.random(in: 0..<10, using: &random) < (inA ? 7 : 4)
            let rowA = key + values(for: entity)
            if inA { a.append(rowA) }
            if inB { b.append(inA && Bool.random(using: &random) ? rowA : key + values(for: entity)) }
        }
        return (a, b)
    }

    private mutating func values(for entity: EntitySpec) -> [DatabaseValueConvertible?] {
        entity.valueColumns.map { column in
            Int.random(in: 0..<8, using: &random) == 0 ? nil : value(of: column.type)
        }
    }

    /// Distinct per number, and for text full of hazards, so keys exercise quoting too.
    private func keyValue(_ number: Int, type: ColumnType) -> DatabaseValueConvertible {
        type == .integer ? Int64(number) * 7_919 - 100_000 : "\(Self.hazards[number % Self.hazards.count])#\(number)"
    }

    /// A random source value, made canonical by the same parser ingest uses.
    private mutating func value(of type: ColumnType) -> DatabaseValueConvertible {
        let raw: String
        switch type {
        case .text, .enumeration:
            raw =
                (0..<Int.random(in: 0...4, using: &random)).map { _ in Self.hazards.randomElement(using: &random)! }
                .joined()
                + String(Int.random(in: 0...99, using: &random))
        case .integer:
            raw = String(Int64.random(in: Int64.min...Int64.max, using: &random))
        case let .decimal(precision, scale):
            let digits = (0..<precision).map { _ in String(Int.random(in: 0...9, using: &random)) }.joined()
            let sign = Bool.random(using: &random) ? "-" : ""
            raw = sign + (scale == 0 ? digits : "\(digits.dropLast(scale)).\(digits.suffix(scale))")
        case .boolean:
            raw = Bool.random(using: &random) ? "yes" : "off"
        case .date:
            raw = String(
                Date(timeIntervalSince1970: TimeInterval(Int.random(in: 0...4_000_000_000, using: &random)))
                    .utcTimestamp.prefix(10))
        case .timestamp:
            let seconds = Int.random(in: 0...4_000_000_000, using: &random)
            let millis =
                Bool.random(using: &random) ? String(format: ".%03d", Int.random(in: 0...999, using: &random)) : ""
            raw = Date(timeIntervalSince1970: TimeInterval(seconds)).utcTimestamp.replacingOccurrences(
                of: "Z", with: millis + "Z")
        }
        switch ValueParser.parse(raw, as: type) {
        case let .success(.integer(number)): return number
        case let .success(.text(text)): return text
        case let .failure(error): fatalError("the generator made an invalid \(type) '\(raw)': \(error)")
        }
    }
}

/// A small, fast, seedable generator (SplitMix64), so a failing random case can be replayed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
