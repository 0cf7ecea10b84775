import Testing

@testable import AirlockProducer
@testable import AirlockSpec

@Suite struct JSONRecordWalkTests {
    /// What a walk hands over and where it stops.
    private struct Walked: Equatable {
        var elements: [String] = []
        var types: [String] = []
        var broken: JSONBreak?
        var kept: String?
    }

    private func walk(_ text: String, records: String = "", sizes: [Int] = [], keeping: String? = nil) throws
        -> Walked
    {
        try walk(Array(text.utf8), records: records, sizes: sizes, keeping: keeping)
    }

    /// Walks `bytes` along `records` (a spec's records path), read in chunks of `sizes` bytes.
    private func walk(_ bytes: [UInt8], records: String = "", sizes: [Int] = [], keeping: String? = nil) throws
        -> Walked
    {
        var walk = JSONRecordWalk(
            JSONCursor(source: .pieces(of: bytes, sizes: sizes)), levels: try JSONRecordsPath(records).levels,
            keeping: keeping)
        var walked = Walked()
        do {
            try walk.walk { element in
                walked.elements.append(String(decoding: element.bytes, as: UTF8.self))
                walked.types.append(element.type)
            }
        } catch let broken as JSONBreak {
            walked.broken = broken
        }
        walked.kept = walk.kept.map { String(decoding: $0, as: UTF8.self) }
        return walked
    }

    /// Strings and numbers exactly as written; no whitespace between tokens, as SQLite writes JSON.
    @Test func elementsAreCutOutAsWritten() throws {
        let object =
            #"{"s": "a\"b\\ \u00e9 \ud83d\ude00 😀 Zoë", "n": 12.10, "big": 1e400, "neg": -0, "# + "\r\n"
            + #"  "nested": {"list": [1, [2, {}], []], "e": 2.5E-3}, "t": true, "f": false, "z": null}"#
        let compact =
            #"{"s":"a\"b\\ \u00e9 \ud83d\ude00 😀 Zoë","n":12.10,"big":1e400,"neg":-0,"#
            + #""nested":{"list":[1,[2,{}],[]],"e":2.5E-3},"t":true,"f":false,"z":null}"#
        let walked = try walk("[\(object) , 1,\"two\",true,false,null,[1, {\"a\": 2}],-3.25e+2,{}]\n", sizes: [3])
        #expect(
            walked.elements == [compact, "1", "\"two\"", "true", "false", "null", "[1,{\"a\":2}]", "-3.25e+2", "{}"])
        #expect(walked.types == ["object", "integer", "text", "true", "false", "null", "array", "real", "object"])
        #expect(walked.broken == nil)
    }

    @Test func envelopesAndNestedLevelsAreWalkedInOrder() throws {
        let document = """
            {"meta": {"products": [0], "note": "[{\\"x\\": 1}]"}, "d\\u0061ta": {"types": [
              {"name": "a", "products": [{"id": 1}, {"id": 2}]},
              {"products": []},
              {"products": [{"id": 3}], "products": [{"id": 4}]}
            ]}, "after": [{"id": 5}]}
            """
        #expect(
            try walk(document, records: "data.types[].products").elements == [
                #"{"id":1}"#, #"{"id":2}"#, #"{"id":3}"#
            ])
        #expect(try walk(document, records: "after").elements == [#"{"id":5}"#])
        #expect(
            try walk("[[{\"id\": 1}], [], [{\"id\": 2}]]", records: "[]").elements == [
                "[{\"id\":1}]", "[]", "[{\"id\":2}]"
            ])
        let dump =
            "{\"pages\":[\n{\"items\": [{\"id\": 1}]},\n{\"items\": [{\"id\": 2}]}\n],"
            + "\"airlock_pull\":{\"pulled_at\": \"2026-01-01\"}}\n"
        let pulled = try walk(dump, records: "pages[].items", keeping: "airlock_pull")
        #expect(pulled.elements == [#"{"id":1}"#, #"{"id":2}"#])
        #expect(pulled.kept == #"{"pulled_at":"2026-01-01"}"#)
    }

    @Test func aLevelThatIsNotAnArrayIsNamed() throws {
        func mismatch(_ text: String, _ records: String) throws -> JSONRecordWalk.NotAnArray? {
            do {
                _ = try walk(text, records: records)
                return nil
            } catch let error as JSONRecordWalk.NotAnArray {
                return error
            }
        }
        #expect(
            try mismatch(#"{"data": {"products": {"id": 1}}}"#, "data.products")
                == .init(path: "data.products", found: "object"))
        #expect(try mismatch(#"[{"id": 1}]"#, "data.products") == .init(path: "data.products", found: "nothing"))
        #expect(try mismatch(#"{"data": 2.5}"#, "data") == .init(path: "data", found: "real"))
        #expect(try mismatch(#"{"id": 1}"#, "") == .init(path: "the top level", found: "object"))
        #expect(
            try mismatch(#"{"types": [{"products": []}, {"other": []}]}"#, "types[].products")
                == .init(path: "types[].products", found: "nothing"))
    }

    @Test func aBreakStopsTheWalkWithItsLine() throws {
        let truncated = try walk("[\n{\"a\": 1},\n{\"a\": 2, \"b", sizes: [2])
        #expect(truncated.elements == [#"{"a":1}"#])
        #expect(truncated.broken?.line == 3)
        #expect(truncated.broken?.reason == "the text ends before the JSON is complete (cut off?)")
        #expect(truncated.broken.map { String(decoding: $0.excerpt, as: UTF8.self) } == #"{"a":2,"b"#)
        #expect(try walk("[{\"a\": 1}]\n\n  \n").broken == nil)
        #expect(try walk("[{\"a\": 1},\n\n").broken == .endOfText(line: 1))
        let broken: [(String, JSONBreak)] = [
            ("[{\"a\": 1}] x", .invalidValue(line: 1)),
            ("[{\"a\": 1}\n {\"a\": 2}]", .invalidValue(line: 2)),
            ("[1,]", .invalidValue(line: 1)),
            ("[01]", .invalidValue(line: 1)),
            ("[1.]", .invalidValue(line: 1)),
            ("[tru]", .invalidValue(line: 1)),
            ("[{\"a\" 1}]", .invalidValue(line: 1)),
            ("[{\"a\": 1]", .invalidValue(line: 1)),
            ("[\"a\tb\"]", .controlCharacter(line: 1)),
            ("[\"a\\xb\"]", .invalidEscape(line: 1)),
            ("[\"\\u12G4\"]", .invalidEscape(line: 1)),
            (String(repeating: "[", count: JSONCursor.depthLimit + 2), .tooDeep(line: 1)),
            ("", .emptyFile),
            (" \n\t\r\n", .emptyFile)
        ]
        for (text, expected) in broken {
            #expect(try walk(text).broken?.reason == expected.reason, "\(text.prefix(20))")
            #expect(try walk(text).broken?.line == expected.line, "\(text.prefix(20))")
        }
    }

    @Test func anElementOfTheLimitOrMoreIsCutToAnExcerpt() throws {
        var elements: [(Int, Bool)] = []
        let long = String(repeating: "x", count: JSONRecordWalk.recordLimit)
        var walk = JSONRecordWalk(
            JSONCursor(source: .pieces(of: Array("[{\"a\": \"\(long)\"}, {\"b\": 1}]".utf8), sizes: [1 << 20])),
            levels: [[]])
        try walk.walk { elements.append(($0.bytes.count, $0.oversized)) }
        #expect(elements.map(\.0) == [RecordFailure.excerptLimit, 7])
        #expect(elements.map(\.1) == [true, false])
    }

    /// Records come out as written but for the whitespace between tokens, and a text cut
    /// anywhere gives the records before the cut and the line where it ends, wherever the
    /// chunks of the input end.
    @Test func recordsAndBreaksDoNotDependOnWhereChunksEnd() {
        let values = [
            "1", "-0.5", "12.10", "1e400", "true", "null", "\"\"", "\"a\\\"b\"", "\"\\u00e9\\ud83d\\ude00\"",
            "\"Zoë 😀\"",
            "[]", "{}", "[1,\"x\"]", "{\"k\":[null]}"
        ]
        let spaces = ["", " ", "\n", "\r\n", "\t", "\n  "]
        forRandomSeeds(count: 200) { seed in
            var random = SplitMix64(seed: seed)
            func space() -> String { spaces.randomElement(using: &random)! }
            let tokens = (0..<Int.random(in: 1...5, using: &random)).map { index in
                ["{", "\"id\"", ":", "\(index)"]
                    + (0..<Int.random(in: 0...3, using: &random)).flatMap { field in
                        [",", "\"f\(field)\"", ":", values.randomElement(using: &random)!]
                    } + ["}"]
            }
            let records = tokens.map { $0.dropLast().map { $0 + space() }.joined() + "}" }
            let compact = tokens.map { $0.joined() }
            let envelope = Bool.random(using: &random)
            var text = (envelope ? "{\"meta\":" + space() + "[1]," + space() + "\"data\":" : "") + "[" + space()
            var ends: [Int] = []
            for (index, record) in records.enumerated() {
                if index > 0 { text += space() + "," + space() }
                text += record
                ends.append(text.utf8.count)
            }
            text += space() + "]" + (envelope ? "}" : "") + space()
            let path = envelope ? "data" : ""
            let sizes = (0..<3).map { _ in Int.random(in: 1...7, using: &random) }
            let whole = try self.walk(Array(text.utf8), records: path, sizes: sizes)
            #expect(
                whole == Walked(elements: compact, types: compact.map { _ in "object" }), "\(text.debugDescription)")

            let cut = Int.random(in: 0...text.utf8.count, using: &random)
            let prefix = Array(text.utf8.prefix(cut))
            let walked = try self.walk(prefix, records: path, sizes: sizes)
            let shown = String(decoding: prefix, as: UTF8.self).debugDescription
            #expect(walked == (try self.walk(prefix, records: path)), "chunks of \(sizes): \(shown)")
            #expect(walked.elements == zip(compact, ends).filter { $0.1 <= cut }.map(\.0), "\(shown)")
            let written = prefix.reversed().drop { [0x20, 0x0A, 0x0D, 0x09].contains($0) }
            let expected: JSONBreak? =
                written.isEmpty
                ? .emptyFile
                : written.count == text.utf8.reversed().drop { [0x20, 0x0A, 0x0D, 0x09].contains($0) }.count
                    ? nil : .endOfText(line: 1 + written.filter { $0 == 0x0A }.count)
            #expect(walked.broken?.reason == expected?.reason, "\(shown)")
            #expect(walked.broken?.line == expected?.line, "\(shown)")
        }
    }
}
