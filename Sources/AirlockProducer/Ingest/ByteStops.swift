/// The bytes that end a run of plain bytes (a CSV field's, a JSON string's), as a table of 256:
/// the streaming readers' inner loops look each byte up once instead of comparing it with each.
struct ByteStops {
    private let table: [Bool]

    init(_ stops: [UInt8]) {
        var table = [Bool](repeating: false, count: 256)
        for byte in stops { table[Int(byte)] = true }
        self.table = table
    }

    /// Where the first stop at or after `start` lies in `bytes`; `bytes.count` when none does.
    func firstStop(in bytes: [UInt8], from start: Int) -> Int {
        bytes.withUnsafeBufferPointer { bytes in
            table.withUnsafeBufferPointer { table in
                var end = start
                while end < bytes.count && !table[Int(bytes[end])] { end += 1 }
                return end
            }
        }
    }
}
