import Foundation
import PropertyBased
import Testing

@testable import AirlockBase
@testable import AirlockSpec

/// Two entities' `source.files` patterns that can match one same file are found exactly, with
/// fnmatch(3) itself as the judge.
@Suite struct FilePatternOverlapTests {
    private func example(_ first: String, _ second: String) throws -> String? {
        FilePatternOverlap.example(try FilePattern(first), try FilePattern(second))
    }

    private func matches(_ pattern: String, _ name: [CChar]) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }

    @Test func overlappingPatternsAndTheirShortestCommonName() throws {
        #expect(try example("order*.csv", "orders*.csv") == "orders.csv")
        #expect(try example("*.csv", "x?.csv") == "xa.csv")
        #expect(try example("a[0-9].csv", "a[^a-z].csv") == "a0.csv")
        #expect(try example(#"\*.csv"#, "?.csv") == "*.csv")
        #expect(try example(#"\*.csv"#, "*.csv") == "*.csv")
        #expect(try example("[]x].csv", "[!x].csv") == "].csv", "a ']' first in brackets is a member")
        #expect(try example("*", "") == "")
    }

    @Test func exclusivePatterns() throws {
        #expect(try example("products*.json", "payments*.csv") == nil)
        #expect(try example("a[0-9].csv", "a[!0-9].csv") == nil)
        #expect(try example(#"\*.csv"#, "a*.csv") == nil, "an escaped star is a star itself")
        #expect(try example("[[:digit:]]*", "[[:alpha:]]*") == nil)
        #expect(try example("[a-]", "[b-z]") == nil, "a '-' before ']' is a member, not a range")
    }

    @Test func patternsFnmatchReadsSurprisinglyAreRefused() {
        func reason(_ pattern: String) -> String? {
            do {
                _ = try FilePattern(pattern)
                return nil
            } catch {
                return error.reason
            }
        }
        #expect(reason("report[2024.csv") == #"has a '[' that no ']' closes; write '\[' to match a '[' itself"#)
        #expect(reason("[]") == #"has a '[' that no ']' closes; write '\[' to match a '[' itself"#)
        #expect(
            reason(#"data\"#)
                == #"ends in a backslash, which escapes nothing, so no file matches; write '\\' for one"#)
        #expect(
            reason("[[:word:]].csv") == "names the character class '[:word:]', which does not exist; "
                + "use alnum, alpha, blank, cntrl, digit, graph, lower, print, punct, space, upper, xdigit")
        #expect(reason("[[.a.]].csv")?.hasPrefix("uses a collating symbol") == true)
    }

    /// Each bracket expression is the set of bytes fnmatch matches with it, byte for byte.
    @Test func bracketsMatchTheBytesFnmatchMatches() throws {
        let patterns = [
            "?", "[[:alpha:]]", "[[:digit:]_]", "[![:space:]]", "[[:punct:]]", "[[:xdigit:]]",
            "[[:upper:][:cntrl:]]", "[!a-z]", "[]-]", "[a-]", "[--/]", #"[\]]"#, #"[a\-z]"#, "[z-a]",
            "[a-a]", "[[:A]", "[^!]", "[[:digit:]-z]"
        ]
        for pattern in patterns {
            let elements = try FilePattern(pattern).elements
            guard elements.count == 1, case let .byte(set) = elements[0] else {
                Issue.record("\(pattern) is not one byte: \(elements)")
                continue
            }
            for byte in FilePattern.anyByte {
                let name = [CChar(bitPattern: byte), 0]
                #expect(set.contains(byte) == matches(pattern, name), "\(pattern) on byte \(byte)")
            }
        }
    }

    /// What random patterns are made of: characters, escapes and bracket expressions of the
    /// kinds fnmatch reads in its own ways. Joined, they also make unclosed brackets, which are
    /// refused and skipped, and brackets of their own (`[` then `a` then `]`).
    private static let tokens = [
        "a", "b", "-", "!", "]", "*", "?", #"\*"#, #"\a"#, "[", #"\"#, "[ab]", "[!a]", "[^b]",
        "[]a]", "[!]]", "[a-b]", "[!-a]", "[--b]", "[a-]", #"[\]a]"#, "[*?]", "[!*]"
    ]

    /// Names are made of the characters of the tokens and one byte of each gap between them in
    /// byte order ('#' for '"' to ')', '0' for '.' to '>', 'c' for the bytes above 'b' and below
    /// '!', and so on): every byte is treated by such patterns as one of these is.
    private static let names: [[CChar]] = {
        let alphabet = Array(#"!#*+-0?A[\]^_abc"#.utf8).map { CChar(bitPattern: $0) }
        var names: [[CChar]] = [[]]
        var longest: [[CChar]] = [[]]
        for _ in 1...4 {
            longest = longest.flatMap { name in alphabet.map { name + [$0] } }
            names += longest
        }
        return names.map { $0 + [0] }
    }()

    /// Against brute force over every name of up to four characters: a common name the search
    /// returns is matched by both patterns, and when brute force finds one the search finds one
    /// no longer.
    @Test func agreesWithFnmatchOnEveryShortName() async {
        let token = Gen.int(in: 0...(Self.tokens.count - 1)).map { Self.tokens[$0] }
        let pattern = token.array(of: 1...3).map { $0.joined() }
        await propertyCheck(count: 300, input: pattern, pattern) { first, second in
            guard let a = try? FilePattern(first), let b = try? FilePattern(second) else { return }
            let found = FilePatternOverlap.example(a, b)
            if let found {
                #expect(
                    matches(first, Array(found.utf8CString)) && matches(second, Array(found.utf8CString)),
                    "'\(first)' and '\(second)': '\(found)'")
            }
            let shortest = Self.names.first { matches(first, $0) && matches(second, $0) }
            if let shortest {
                let length = shortest.count - 1  // without the terminating zero
                #expect(
                    found.map { $0.utf8.count <= length } == true,
                    "'\(first)' and '\(second)' match '\(String(cString: shortest))'; found \(found ?? "none")")
            } else {
                #expect(found.map { $0.utf8.count > 4 } ?? true, "'\(first)' and '\(second)': '\(found ?? "")'")
            }
        }
    }
}
