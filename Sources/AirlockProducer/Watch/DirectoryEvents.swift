import Foundation
import Glibc

/// Wakes the watcher when files are written, moved or deleted in a directory: through inotify
/// where the kernel offers it (IN_CLOSE_WRITE, IN_MOVED_TO and the changes in between, so a
/// slow write keeps postponing the run), else by a timer, after which the caller compares
/// directory listings.
final class DirectoryEvents {
    private let descriptor: Int32

    var usesInotify: Bool { descriptor >= 0 }

    init(directory: URL, polling: Bool) {
        guard !polling else {
            descriptor = -1
            return
        }
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_MODIFY | IN_DELETE)
        if descriptor >= 0 && inotify_add_watch(descriptor, directory.path, mask) < 0 {
            close(descriptor)
            self.descriptor = -1
        } else {
            self.descriptor = descriptor
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Returns after an event, after `timeout` seconds, or when a signal arrives.
    func wait(timeout: Double) {
        guard descriptor >= 0 else {
            var remaining = timespec(tv_sec: Int(timeout), tv_nsec: Int((timeout - timeout.rounded(.down)) * 1e9))
            nanosleep(&remaining, nil)
            return
        }
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        if poll(&request, 1, Int32(max(0, timeout) * 1000)) > 0 { drain() }
    }

    /// Reads the pending events; only their arrival matters, the listing says what changed.
    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while buffer.withUnsafeMutableBytes({ read(descriptor, $0.baseAddress, $0.count) }) > 0 {}
    }
}
