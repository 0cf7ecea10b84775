import CChildProcess
import Foundation

/// Runs a program to its end and collects what it wrote, with the guarantee Foundation's
/// `Process` cannot give: the child is killed when Airlock dies, even by `kill -9`, so an
/// `airlock apply` stopped half-way never leaves a `psql` holding the target's locks or going
/// on with a script nobody watches (Linux `PR_SET_PDEATHSIG`, set between fork and exec).
///
/// Standard output and error are read at the same time, so a chatty child cannot fill one
/// pipe and wait forever; standard input is `/dev/null`.
package enum ChildProcess {
    package struct Result: Sendable {
        /// The exit status, or 128 + the signal that ended the child.
        package var status: Int32
        package var output: Data
        package var error: Data

        package var errorText: String {
            String(decoding: error, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    package struct LaunchError: Error, CustomStringConvertible {
        package var program: String
        package var reason: String
        package var description: String { "cannot run \(program): \(reason)" }
    }

    /// Runs `program`, found on `PATH` by `/usr/bin/env`, with `arguments`; `environment`
    /// adds to or replaces variables of Airlock's own environment for the child only, and
    /// `directory`, when given, is the child's working directory (`env -C`).
    package static func run(
        _ program: String, _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil
    ) throws -> Result {
        let argv = ["/usr/bin/env"] + (directory.map { ["-C", $0.path] } ?? []) + [program] + arguments
        let extra = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var outputPipe: [Int32] = [-1, -1], errorPipe: [Int32] = [-1, -1]
        guard airlock_pipe(&outputPipe) == 0, airlock_pipe(&errorPipe) == 0 else {
            throw LaunchError(program: program, reason: String(cString: strerror(errno)))
        }
        let input = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { close(input) }
        var pid: pid_t = 0
        let started = withCStrings(argv) { argvPointers in
            withCStrings(extra) { extraPointers in
                airlock_spawn_tied(
                    argv[0], argvPointers, extraPointers, input, outputPipe[1], errorPipe[1], &pid)
            }
        }
        close(outputPipe[1])
        close(errorPipe[1])
        let output = FileHandle(fileDescriptor: outputPipe[0], closeOnDealloc: true)
        let errors = FileHandle(fileDescriptor: errorPipe[0], closeOnDealloc: true)
        guard started == 0 else {
            throw LaunchError(program: program, reason: String(cString: strerror(started)))
        }
        let collected = Collected()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            collected.data = errors.readDataToEndOfFile()
            group.leave()
        }
        let outputData = output.readDataToEndOfFile()
        group.wait()
        let status = airlock_wait(pid)
        guard status >= 0 else { throw LaunchError(program: program, reason: String(cString: strerror(errno))) }
        return Result(status: status, output: outputData, error: collected.data)
    }

    /// What the background reader collected; `group.wait()` orders its write before the read.
    private final class Collected: @unchecked Sendable {
        var data = Data()
    }

    /// `strings` as a NULL-terminated array of C strings, valid during `body`.
    private static func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}
