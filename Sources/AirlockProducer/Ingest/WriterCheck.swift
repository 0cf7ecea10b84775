import AirlockSite
import Glibc

/// Tells whether some process still has a file open for writing, so a half-written drop is
/// never read. Linux refuses a read lease (`F_SETLEASE`) on a file open for writing anywhere;
/// taking one and dropping it at once disturbs no one.
///
/// Leases need the file's owner or CAP_LEASE, and some file systems lack them; there the
/// answer is "unknown" and callers rely on the file's size staying put instead.
enum WriterCheck {
    enum Answer { case writing, notWriting, unknown }

    /// `F_SETLEASE` (`F_LINUX_SPECIFIC_BASE + 0`), hidden behind `_GNU_SOURCE` in the C headers.
    private static let setLease: Int32 = 1024

    static func check(_ path: String) -> Answer {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return .unknown }
        defer { close(descriptor) }
        if fcntl(descriptor, setLease, Int32(F_RDLCK)) == 0 {
            _ = fcntl(descriptor, setLease, Int32(F_UNLCK))
            return .notWriting
        }
        return errno == EAGAIN ? .writing : .unknown
    }
}
