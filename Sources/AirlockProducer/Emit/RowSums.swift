import AirlockBase

/// What the hashes of some rows of an entity's table add up to in each dialect
/// (`TableChecksum`): the row count and the two sums the checksum is made of, and per group of
/// keys the rows and the sum of the first 32 bits of their hashes. Sums add and subtract, so
/// a table's sums after a bundle are those before it, less the rows it replaced, plus the rows
/// it wrote: the producer keeps its baselines' sums (`BaselineSums`) and hashes changed rows
/// only.
struct RowSums: Codable, Equatable, Sendable {
    /// The sums in one dialect.
    struct Part: Codable, Equatable, Sendable {
        var rows = 0
        var first: Int64 = 0
        var second: Int64 = 0
        /// Every row's count and 32-bit sum in its key group.
        var groups = SnapshotHashes.Groups()

        /// `ROWS:A:B`, as the checksum query gives it.
        var checksum: String { "\(rows):\(first):\(second)" }

        /// Adds the row whose hash is `hash` and whose key is in group `group`.
        mutating func add(_ hash: [UInt8], group: UInt8) {
            rows += 1
            first += Self.word(hash, 0)
            second += Self.word(hash, 4)
            groups.add(group: Int(group), hash32: Self.word(hash, 0))
        }

        /// The big-endian 32 bits of `hash` from byte `start`, as the checksum query reads them.
        static func word(_ hash: [UInt8], _ start: Int) -> Int64 {
            hash[start..<start + 4].reduce(0) { $0 << 8 | Int64($1) }
        }

        static func + (a: Part, b: Part) -> Part {
            Part(
                rows: a.rows + b.rows, first: a.first + b.first, second: a.second + b.second,
                groups: a.groups + b.groups)
        }

        static func - (a: Part, b: Part) -> Part {
            Part(
                rows: a.rows - b.rows, first: a.first - b.first, second: a.second - b.second,
                groups: a.groups - b.groups)
        }
    }

    var postgres = Part()
    var sqlite = Part()

    subscript(dialect: SQLDialect) -> Part {
        switch dialect {
        case .postgres: return postgres
        case .sqlite: return sqlite
        }
    }

    static func + (a: RowSums, b: RowSums) -> RowSums {
        RowSums(postgres: a.postgres + b.postgres, sqlite: a.sqlite + b.sqlite)
    }

    static func - (a: RowSums, b: RowSums) -> RowSums {
        RowSums(postgres: a.postgres - b.postgres, sqlite: a.sqlite - b.sqlite)
    }
}
